promkit_fuzz(tsdb_index
  SOURCE tsdb_index.cpp
  LIBS promkit::tsdb_index
  CORPUS testdata/fuzz/tsdb_index)
