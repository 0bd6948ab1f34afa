promkit_bench(yaml
  SOURCES yaml_bench.cpp
  LIBS promkit::util)
