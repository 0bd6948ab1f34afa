promkit_bench(textparse_openmetrics
  SOURCES textparse_openmetrics_bench.cpp
  LIBS promkit::textparse)
