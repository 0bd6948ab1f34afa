promkit_fuzz(alertmanager_config
  SOURCE alertmanager_config.cpp
  LIBS promkit::alertmanager
  CORPUS testdata/fuzz/alertmanager_config testdata/conformance/alertmanager-config)
