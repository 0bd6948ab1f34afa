promkit_fuzz(alertmanager_matchers
  SOURCE alertmanager_matchers.cpp
  LIBS promkit::alertmanager
  CORPUS testdata/fuzz/alertmanager_matchers)
