promkit_fuzz(web_config_load
  SOURCE web_config_load.cpp
  LIBS promkit::config
  CORPUS testdata/config/web)
