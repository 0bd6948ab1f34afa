promkit_bench(textparse_promtext
  SOURCES textparse_promtext_bench.cpp
  LIBS promkit::textparse)
