promkit_bench(relabel
  SOURCES relabel_bench.cpp
  LIBS promkit::relabel promkit::model)
