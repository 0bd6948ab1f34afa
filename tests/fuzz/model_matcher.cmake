promkit_fuzz(model_matcher
  SOURCE model_matcher.cpp
  LIBS promkit::model PkgConfig::RE2
  CORPUS testdata/fuzz/model_matcher)
