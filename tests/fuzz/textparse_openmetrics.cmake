promkit_fuzz(textparse_openmetrics
  SOURCE textparse_openmetrics.cpp
  LIBS promkit::textparse
  CORPUS testdata/fuzz/textparse_openmetrics testdata/textparse/openmetrics)
