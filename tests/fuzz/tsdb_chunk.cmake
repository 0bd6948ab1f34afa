promkit_fuzz(tsdb_chunk
  SOURCE tsdb_chunk.cpp
  LIBS promkit::tsdb_chunkenc
  CORPUS testdata/fuzz/tsdb_chunk)
