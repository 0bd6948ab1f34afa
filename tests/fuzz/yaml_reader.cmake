promkit_fuzz(yaml_reader
  SOURCE yaml_reader.cpp
  LIBS promkit::util
  CORPUS testdata/fuzz/yaml_reader testdata/rules testdata/config testdata/conformance)
