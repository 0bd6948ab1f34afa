promkit_bench(util
  SOURCES util_bench.cpp
  LIBS promkit::util)
