promkit_fuzz(util_duration
  SOURCE util_duration.cpp
  LIBS promkit::util
  CORPUS testdata/fuzz/util_duration)
