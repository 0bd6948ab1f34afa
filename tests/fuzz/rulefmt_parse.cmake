promkit_fuzz(rulefmt_parse
  SOURCE rulefmt_parse.cpp
  LIBS promkit::rules_rulefmt
  CORPUS testdata/fuzz/rulefmt_parse testdata/rules testdata/conformance/rulefmt)
