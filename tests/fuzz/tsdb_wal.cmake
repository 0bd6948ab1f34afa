promkit_fuzz(tsdb_wal
  SOURCE tsdb_wal.cpp
  LIBS promkit::tsdb_wal
  CORPUS testdata/fuzz/tsdb_wal)
