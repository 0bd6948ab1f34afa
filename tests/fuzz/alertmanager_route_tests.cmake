promkit_fuzz(alertmanager_route_tests
  SOURCE alertmanager_route_tests.cpp
  LIBS promkit::alertmanager
  CORPUS testdata/fuzz/alertmanager_route_tests testdata/alertmanager/routing_tests.yml
         testdata/alertmanager/routing_tests_failing.yml)
