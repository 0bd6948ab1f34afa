promkit_bench(model
  SOURCES model_bench.cpp
  LIBS promkit::model PkgConfig::RE2)
