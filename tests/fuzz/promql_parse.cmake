promkit_fuzz(promql_parse
  SOURCE promql_parse.cpp
  LIBS promkit::promql_parser
  CORPUS testdata/fuzz/promql_parse)
