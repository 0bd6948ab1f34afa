promkit_bench(textparse_protobuf
  SOURCES textparse_protobuf_bench.cpp
  LIBS promkit::textparse promkit_textparse_proto)
