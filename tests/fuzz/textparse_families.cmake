promkit_fuzz(textparse_families
  SOURCE textparse_families.cpp
  LIBS promkit::textparse
  CORPUS testdata/fuzz/textparse_families testdata/checkmetrics testdata/conformance/promtool/metrics-test.prom)
