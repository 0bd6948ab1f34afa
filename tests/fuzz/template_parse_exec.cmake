promkit_fuzz(template_parse_exec
  SOURCE template_parse_exec.cpp
  LIBS promkit::template
  CORPUS testdata/fuzz/template_parse_exec)
