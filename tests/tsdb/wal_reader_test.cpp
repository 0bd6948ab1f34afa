// The WAL page/fragment reader over hand-made bytes: fragments, padding, compression, torn
// tails and corruption, every error naming the segment file and offset.
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <snappy.h>

#include "tsdb/wal/reader.h"
#include "wal_test_util.h"

namespace promkit::tsdb::wal {
namespace {

using testing::Fragment;
using testing::SegmentWriter;

struct ReadResult {
  std::vector<std::string> records;
  std::vector<uint64_t> offsets;
  util::Status err;
  std::string torn;
};

ReadResult ReadAllRecords(const std::vector<std::pair<std::string, std::string>>& segs,
                          bool tolerate = false) {
  std::vector<SegmentBytes> bytes;
  for (const auto& [name, data] : segs) bytes.push_back({name, data});
  Reader::Options opts;
  opts.tolerate_torn_tail = tolerate;
  Reader r(std::move(bytes), opts);
  ReadResult out;
  while (r.Next()) {
    out.records.emplace_back(r.Record());
    out.offsets.push_back(r.offset());
  }
  out.err = r.Err();
  out.torn = r.torn_tail();
  return out;
}

TEST(WalReader, FullRecordsBackToBack) {
  // Two full fragments written by hand: header 0x01, length 3, CRC-32C of "abc" = 0x364b3fb7.
  std::string seg = std::string("\x01\x00\x03\x36\x4b\x3f\xb7", 7) + "abc";
  seg += Fragment(0x01, "defg");
  ReadResult r = ReadAllRecords({{"wal/00000000", seg}});
  ASSERT_TRUE(r.err.ok()) << r.err.ToString();
  EXPECT_EQ(r.records, (std::vector<std::string>{"abc", "defg"}));
  EXPECT_EQ(r.offsets, (std::vector<uint64_t>{0, 10}));
}

TEST(WalReader, EmptyRecordAndEmptySegment) {
  ReadResult r = ReadAllRecords({{"a", ""}, {"b", Fragment(0x01, "")}, {"c", ""}});
  ASSERT_TRUE(r.err.ok()) << r.err.ToString();
  EXPECT_EQ(r.records, (std::vector<std::string>{""}));
}

TEST(WalReader, RecordFragmentedAcrossPages) {
  // 80 KiB does not fit a 32 KiB page: first, middle, last fragments.
  std::string big(80 * 1024, 'x');
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>('a' + i % 26);
  SegmentWriter w;
  w.Add("small");
  w.Add(big);
  w.Add("after");
  ASSERT_GT(w.bytes().size(), 2 * kPageSize);
  EXPECT_EQ(static_cast<uint8_t>(w.bytes()[12]), 2);  // the big record's first fragment
  ReadResult r = ReadAllRecords({{"seg", w.bytes()}});
  ASSERT_TRUE(r.err.ok()) << r.err.ToString();
  ASSERT_EQ(r.records.size(), 3u);
  EXPECT_EQ(r.records[1], big);
  EXPECT_EQ(r.records[2], "after");
  EXPECT_EQ(r.offsets[1], 12u);
}

TEST(WalReader, PagePaddingIsSkippedAndChecked) {
  // A record, then a page term byte and zeros up to the page end, then a record.
  std::string seg = Fragment(0x01, "one");
  seg.append(kPageSize - seg.size(), '\0');
  seg += Fragment(0x01, "two");
  ReadResult r = ReadAllRecords({{"seg", seg}});
  ASSERT_TRUE(r.err.ok()) << r.err.ToString();
  EXPECT_EQ(r.records, (std::vector<std::string>{"one", "two"}));
  EXPECT_EQ(r.offsets[1], kPageSize);

  seg[kPageSize - 5] = 1;  // a stray byte in the padding
  r = ReadAllRecords({{"wal/00000007", seg}});
  EXPECT_EQ(r.err.code(), util::Code::kCorruption);
  EXPECT_EQ(r.err.ToString(),
            "corruption in segment wal/00000007 at 32763: unexpected non-zero "
            "byte in padded page");
}

TEST(WalReader, SnappyRecords) {
  std::string rec;
  for (int i = 0; i < 200; ++i) rec += "series_" + std::to_string(i % 7);
  SegmentWriter w;
  w.Add(rec, /*snappy=*/true);
  ASSERT_EQ(static_cast<uint8_t>(w.bytes()[0]), 0x09);  // full | snappy
  ASSERT_LT(w.bytes().size(), rec.size());
  ReadResult r = ReadAllRecords({{"seg", w.bytes()}});
  ASSERT_TRUE(r.err.ok()) << r.err.ToString();
  EXPECT_EQ(r.records, (std::vector<std::string>{rec}));

  // Snappy flag on bytes that are not snappy.
  r = ReadAllRecords({{"wal/00000001", Fragment(0x01, "ok") + Fragment(0x09, "\xff\xff\xff")}});
  EXPECT_EQ(r.records.size(), 1u);
  EXPECT_EQ(r.err.ToString(), "corruption in segment wal/00000001 at 9: snappy: corrupt input");
}

TEST(WalReader, SnappyClaimingHugeLengthIsRefused) {
  // Varint length 0xffffffff followed by one literal byte: must not allocate 4 GiB.
  std::string bogus("\xff\xff\xff\xff\x0f\x00x", 7);
  ReadResult r = ReadAllRecords({{"seg", Fragment(0x09, bogus)}});
  EXPECT_EQ(r.err.code(), util::Code::kCorruption);
}

TEST(WalReader, ZstdRecordsAreRecognisedAndRefused) {
  std::string seg = Fragment(0x01, "plain") + Fragment(0x11, "(zstd frame)");
  ReadResult r = ReadAllRecords({{"data/wal/00000003", seg}});
  EXPECT_EQ(r.records, (std::vector<std::string>{"plain"}));
  EXPECT_EQ(r.err.code(), util::Code::kInvalidArgument);
  EXPECT_EQ(r.err.ToString(),
            "cannot read segment data/wal/00000003 at 12: zstd-compressed WAL records are not "
            "supported");
}

TEST(WalReader, FlippedCrcNamesFileAndOffset) {
  SegmentWriter w;
  w.Add("first");
  w.Add("second");
  std::string seg = w.bytes();
  seg[12 + 7] ^= 0x20;  // a payload byte of the second record
  ReadResult r = ReadAllRecords({{"data/wal/00000002", seg}});
  EXPECT_EQ(r.records, (std::vector<std::string>{"first"}));
  EXPECT_EQ(r.err.code(), util::Code::kCorruption);
  EXPECT_TRUE(
      r.err.ToString().starts_with("corruption in segment data/wal/00000002 at 12: "
                                   "unexpected checksum"))
      << r.err.ToString();
}

TEST(WalReader, InvalidLengthAndFragmentOrder) {
  const std::pair<std::string, std::string> cases[] = {
      {std::string("\x01\x80\x00\x00\x00\x00\x00", 7), "at 0: invalid record size 32768"},
      {Fragment(0x03, "mid"), "at 0: unexpected middle record, dropping buffer"},
      {Fragment(0x04, "end"), "at 0: unexpected last record, dropping buffer"},
      {Fragment(0x02, "a") + Fragment(0x01, "b"), "at 8: unexpected full record"},
      {Fragment(0x02, "a") + Fragment(0x02, "b"), "at 8: unexpected first record, dropping buffer"},
      {Fragment(0x05, "x"), "at 0: unexpected record type 5"},
  };
  for (const auto& [seg, want] : cases) {
    SCOPED_TRACE(want);
    ReadResult r = ReadAllRecords({{"s/00000000", seg + Fragment(0x01, "tail")}}, true);
    EXPECT_EQ(r.err.code(), util::Code::kCorruption);
    EXPECT_EQ(r.err.ToString(), "corruption in segment s/00000000 " + want);
    EXPECT_TRUE(r.records.empty());
  }
}

TEST(WalReader, TornTailOfLastSegment) {
  SegmentWriter w;
  w.Add("kept");
  std::string big(40 * 1024, 'y');
  w.Add(big);  // first fragment fills page 0, last fragment in page 1
  const std::string& full = w.bytes();
  const size_t first_frag = 11;

  // Cut at three places: inside the last fragment's header, inside its payload, and right
  // after the first fragment (so the record lacks its last fragment).
  const size_t cuts[] = {kPageSize + 3, kPageSize + 100, kPageSize};
  for (size_t cut : cuts) {
    SCOPED_TRACE(cut);
    std::string seg = full.substr(0, cut);
    ReadResult tolerant = ReadAllRecords({{"wal/00000004", seg}}, true);
    EXPECT_TRUE(tolerant.err.ok()) << tolerant.err.ToString();
    EXPECT_EQ(tolerant.records, (std::vector<std::string>{"kept"}));
    EXPECT_TRUE(tolerant.torn.starts_with("wal/00000004 at ")) << tolerant.torn;

    ReadResult strict = ReadAllRecords({{"wal/00000004", seg}}, false);
    EXPECT_EQ(strict.records, (std::vector<std::string>{"kept"}));
    EXPECT_EQ(strict.err.code(), util::Code::kCorruption);
    EXPECT_TRUE(strict.err.ToString().starts_with("corruption in segment wal/00000004 at "))
        << strict.err.ToString();
  }
  // The missing last fragment is reported where the record starts.
  ReadResult r = ReadAllRecords({{"wal/00000004", full.substr(0, kPageSize)}}, false);
  EXPECT_EQ(r.err.ToString(), "corruption in segment wal/00000004 at " +
                                  std::to_string(first_frag) +
                                  ": last record is torn (its last fragment is missing)");
}

TEST(WalReader, TruncatedPageInEarlierSegmentIsCorruption) {
  // Only the end of the last segment may tear: a truncated page before it is an error even
  // when tolerating a torn tail, and names the earlier segment.
  SegmentWriter a;
  a.Add("one");
  a.Add(std::string(100, 'z'));
  std::string cut = a.bytes().substr(0, a.bytes().size() - 40);
  SegmentWriter b;
  b.Add("two");
  ReadResult r = ReadAllRecords({{"wal/00000005", cut}, {"wal/00000006", b.bytes()}}, true);
  EXPECT_EQ(r.records, (std::vector<std::string>{"one"}));
  EXPECT_EQ(r.err.ToString(),
            "corruption in segment wal/00000005 at 10: fragment of 100 bytes cut short by the end "
            "of the file (60 left)");
  EXPECT_TRUE(r.torn.empty());
}

TEST(WalReader, ReadsSegmentsInOrder) {
  SegmentWriter a, b;
  a.Add("a1");
  a.Add("a2");
  b.Add("b1");
  ReadResult r = ReadAllRecords({{"x/0", a.bytes()}, {"x/1", b.bytes()}});
  ASSERT_TRUE(r.err.ok());
  EXPECT_EQ(r.records, (std::vector<std::string>{"a1", "a2", "b1"}));
  EXPECT_EQ(r.offsets, (std::vector<uint64_t>{0, 9, 0}));
}

TEST(WalReader, UnusedHeaderBitsAreIgnored) {
  // Bits 5-7 carry nothing today; upstream masks them off.
  ReadResult r = ReadAllRecords({{"seg", Fragment(0xe1, "hi")}});
  ASSERT_TRUE(r.err.ok()) << r.err.ToString();
  EXPECT_EQ(r.records, (std::vector<std::string>{"hi"}));
}

}  // namespace
}  // namespace promkit::tsdb::wal
