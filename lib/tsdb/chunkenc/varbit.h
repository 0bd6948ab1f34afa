#pragma once
// The bit-level number codings of the native histogram chunks (upstream tsdb/chunkenc/varbit.go
// and the XOR value coding shared with float chunks; tsdb/docs/format/chunks.md).
//
// Varbit integers: a unary prefix picks the width of a two's complement (or, for the unsigned
// form, plain) payload:
//   '0' -> the value 0            '10' -> 3 bits        '110' -> 6 bits      '1110' -> 9 bits
//   '11110' -> 12 bits   '111110' -> 18 bits   '1111110' -> 25 bits   '11111110' -> 56 bits
//   '11111111' -> 64 bits.
// The signed ranges are one wider on the positive side (-3..4 for 3 bits), as upstream writes
// them; a payload above 2^(n-1) reads back as negative.

#include <cstdint>

#include "tsdb/chunkenc/bstream.h"

namespace promkit::tsdb::chunkenc {

void PutVarbitInt(BitWriter& w, int64_t v);
void PutVarbitUint(BitWriter& w, uint64_t v);
// False when the bits run out (an unknown prefix cannot occur: eight ones is the widest).
bool ReadVarbitInt(BitReader& r, int64_t* v);
bool ReadVarbitUint(BitReader& r, uint64_t* v);

// One XOR-coded float (the Gorilla value coding of XOR chunks): '0' = unchanged, '10' + bits in
// the previous window, '11' + 5 bits leading zeros + 6 bits length (0 = 64) + bits. `leading`
// 0xff means no window yet. Updates the window as upstream's xorWrite/xorRead.
void XorWrite(BitWriter& w, double v, double prev, uint8_t* leading, uint8_t* trailing);
// False on running out of bits or on an impossible window (`*bad_window` then set).
bool XorRead(BitReader& r, double* v, uint8_t* leading, uint8_t* trailing, bool* bad_window);

}  // namespace promkit::tsdb::chunkenc
