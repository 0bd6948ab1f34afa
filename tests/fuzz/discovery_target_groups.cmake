promkit_fuzz(discovery_target_groups
  SOURCE discovery_target_groups.cpp
  LIBS promkit::discovery
  CORPUS testdata/fuzz/discovery_target_groups testdata/discovery/sd)
