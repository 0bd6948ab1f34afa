promkit_bench(tsdb_chunk
  SOURCES tsdb_chunk_bench.cpp
  LIBS promkit::tsdb_chunkenc)
