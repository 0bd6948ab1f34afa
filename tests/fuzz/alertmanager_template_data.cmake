promkit_fuzz(alertmanager_template_data
  SOURCE alertmanager_template_data.cpp
  LIBS promkit::alertmanager
  CORPUS testdata/fuzz/alertmanager_template_data testdata/alertmanager/template_data.json)
