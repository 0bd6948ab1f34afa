promkit_fuzz(config_load
  SOURCE config_load.cpp
  LIBS promkit::config
  CORPUS testdata/fuzz/config_load testdata/config testdata/conformance/config)
