promkit_fuzz(discovery_dns_message
  SOURCE discovery_dns_message.cpp
  LIBS promkit::discovery
  CORPUS testdata/fuzz/discovery_dns_message)
