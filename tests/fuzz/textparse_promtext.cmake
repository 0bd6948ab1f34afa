promkit_fuzz(textparse_promtext
  SOURCE textparse_promtext.cpp
  LIBS promkit::textparse
  CORPUS testdata/fuzz/textparse_promtext testdata/textparse/promtext testdata/conformance/textparse)
