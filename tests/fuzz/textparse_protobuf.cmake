promkit_fuzz(textparse_protobuf
  SOURCE textparse_protobuf.cpp
  LIBS promkit::textparse
  CORPUS testdata/fuzz/textparse_protobuf testdata/textparse/protobuf)
