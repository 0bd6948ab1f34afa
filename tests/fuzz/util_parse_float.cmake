promkit_fuzz(util_parse_float
  SOURCE util_parse_float.cpp
  LIBS promkit::util
  CORPUS testdata/fuzz/util_parse_float)
