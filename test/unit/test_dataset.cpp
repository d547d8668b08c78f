#include "runtime/dataset.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "test/unit/test_util.h"

using namespace nnc::rt;
using namespace nnc::test;

namespace {

void write_text(const std::string& path, const std::string& text) { write_raw(path, Bytes(text.begin(), text.end())); }

void write_gz(const std::string& path, const Bytes& bytes) {
    gzFile gz = gzopen(path.c_str(), "wb");
    ASSERT_NE(gz, nullptr) << path;
    if (!bytes.empty()) {
        ASSERT_EQ(gzwrite(gz, bytes.data(), static_cast<unsigned>(bytes.size())), static_cast<int>(bytes.size()));
    }
    ASSERT_EQ(gzclose(gz), Z_OK);
}

void put_be32(Bytes& b, uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8) b.push_back(static_cast<unsigned char>(v >> shift));
}

// IDX image file with the given header and pixel bytes (count need not match).
Bytes idx_images(uint32_t count, uint32_t rows, uint32_t cols, const Bytes& pixels) {
    Bytes b;
    put_be32(b, 0x00000803);
    put_be32(b, count);
    put_be32(b, rows);
    put_be32(b, cols);
    b.insert(b.end(), pixels.begin(), pixels.end());
    return b;
}

Bytes idx_labels(uint32_t count, const Bytes& labels) {
    Bytes b;
    put_be32(b, 0x00000801);
    put_be32(b, count);
    b.insert(b.end(), labels.begin(), labels.end());
    return b;
}

// Three 2x2 images and their labels.
const Bytes kPixels = {0, 255, 51, 102, 1, 2, 3, 4, 255, 255, 0, 0};
const Bytes kLabels = {7, 0, 9};

void expect_small_set(const Dataset& d) {
    EXPECT_EQ(d.count, 3);
    EXPECT_EQ(d.sample_shape, (std::vector<int64_t>{2, 2}));
    EXPECT_EQ(d.sample_size(), 4);
    ASSERT_EQ(d.inputs.size(), 12u);
    EXPECT_FLOAT_EQ(d.inputs[0], 0.0f);
    EXPECT_FLOAT_EQ(d.inputs[1], 1.0f);
    EXPECT_FLOAT_EQ(d.inputs[2], 0.2f);
    EXPECT_FLOAT_EQ(d.inputs[3], 0.4f);
    EXPECT_FLOAT_EQ(d.inputs[7], 4.0f / 255.0f);
    EXPECT_TRUE(d.class_targets);
    EXPECT_EQ(d.labels, (std::vector<int32_t>{7, 0, 9}));
    EXPECT_TRUE(d.targets.empty());
}

TEST(LoadIdx, RawFiles) {
    TempDir dir;
    write_raw(dir / "img", idx_images(3, 2, 2, kPixels));
    write_raw(dir / "lab", idx_labels(3, kLabels));
    const Dataset d = load_idx(dir / "img", dir / "lab");
    expect_small_set(d);
    EXPECT_EQ(d.source, dir / "img");
    EXPECT_EQ(d.labels_source, dir / "lab");
}

TEST(LoadIdx, GzippedAndMixedFiles) {
    TempDir dir;
    write_gz(dir / "img.gz", idx_images(3, 2, 2, kPixels));
    write_gz(dir / "lab.gz", idx_labels(3, kLabels));
    write_raw(dir / "lab", idx_labels(3, kLabels));
    const Bytes on_disk = read_raw(dir / "img.gz");
    ASSERT_GE(on_disk.size(), 2u);
    EXPECT_EQ(on_disk[0], 0x1f);  // really gzipped
    EXPECT_EQ(on_disk[1], 0x8b);
    expect_small_set(load_idx(dir / "img.gz", dir / "lab.gz"));
    expect_small_set(load_idx(dir / "img.gz", dir / "lab"));
}

TEST(LoadIdx, FilesSwapped) {
    TempDir dir;
    write_gz(dir / "train-images-idx3-ubyte.gz", idx_images(3, 2, 2, kPixels));
    write_gz(dir / "train-labels-idx1-ubyte.gz", idx_labels(3, kLabels));
    EXPECT_EQ(error_of([&] { load_idx(dir / "train-labels-idx1-ubyte.gz", dir / "train-images-idx3-ubyte.gz"); }),
              dir / "train-labels-idx1-ubyte.gz" +
                  ": not an IDX image file (magic number 0x00000801, expected 0x00000803); "
                  "pass the images file first, then the labels file");
    EXPECT_EQ(error_of([&] { load_idx(dir / "train-images-idx3-ubyte.gz", dir / "train-images-idx3-ubyte.gz"); }),
              dir / "train-images-idx3-ubyte.gz" +
                  ": not an IDX label file (magic number 0x00000803, expected 0x00000801); "
                  "pass the images file first, then the labels file");
}

TEST(LoadIdx, WrongMagic) {
    TempDir dir;
    Bytes b;
    put_be32(b, 0x12345678);
    b.resize(64, 0);
    write_raw(dir / "junk", b);
    EXPECT_EQ(error_of([&] { load_idx(dir / "junk", dir / "junk"); }),
              dir / "junk" + ": not an IDX image file (magic number 0x12345678, expected 0x00000803); "
                             "pass an IDX image file of unsigned bytes");
}

TEST(LoadIdx, MissingFile) {
    TempDir dir;
    write_raw(dir / "img", idx_images(3, 2, 2, kPixels));
    EXPECT_EQ(error_of([&] { load_idx(dir / "nope.gz", dir / "lab"); }),
              dir / "nope.gz" + ": cannot open: No such file or directory");
    EXPECT_EQ(error_of([&] { load_idx(dir / "img", dir / "nolabels"); }),
              dir / "nolabels" + ": cannot open: No such file or directory");
    EXPECT_EQ(error_of([&] { load_idx(dir.path(), dir / "img"); }), dir.path() + ": cannot open: Is a directory");
}

TEST(LoadIdx, EmptyAndShortFiles) {
    TempDir dir;
    write_raw(dir / "empty", {});
    write_gz(dir / "empty.gz", {});
    write_raw(dir / "short", {0, 0, 8, 3, 0, 0, 0, 1, 0, 0});
    write_raw(dir / "short_labels", {0, 0, 8, 1, 0, 0});
    write_raw(dir / "img", idx_images(3, 2, 2, kPixels));
    EXPECT_EQ(error_of([&] { load_idx(dir / "empty", dir / "empty"); }),
              dir / "empty" + ": file is too short for an IDX header (0 bytes); "
                              "pass an IDX image file such as train-images-idx3-ubyte.gz");
    EXPECT_EQ(error_of([&] { load_idx(dir / "empty.gz", dir / "empty"); }),
              dir / "empty.gz" + ": file is too short for an IDX header (0 bytes); "
                                 "pass an IDX image file such as train-images-idx3-ubyte.gz");
    EXPECT_EQ(error_of([&] { load_idx(dir / "img", dir / "empty"); }),
              dir / "empty" + ": file is too short for an IDX header (0 bytes); "
                              "pass an IDX label file such as train-labels-idx1-ubyte.gz");
    EXPECT_EQ(error_of([&] { load_idx(dir / "short", dir / "empty"); }),
              dir / "short" + ": file is truncated: IDX image header needs 16 bytes, found 10 bytes");
    EXPECT_EQ(error_of([&] { load_idx(dir / "img", dir / "short_labels"); }),
              dir / "short_labels" + ": file is truncated: IDX label header needs 8 bytes, found 6 bytes");
}

TEST(LoadIdx, TruncatedData) {
    TempDir dir;
    // Header of the real t10k set, but only part of the pixels.
    write_gz(dir / "t10k-images-idx3-ubyte.gz", idx_images(10000, 28, 28, Bytes(4000107, 7)));
    write_raw(dir / "labels", idx_labels(10000, Bytes(9999, 1)));
    write_raw(dir / "img", idx_images(3, 2, 2, kPixels));
    EXPECT_EQ(error_of([&] { load_idx(dir / "t10k-images-idx3-ubyte.gz", dir / "labels"); }),
              dir / "t10k-images-idx3-ubyte.gz" +
                  ": file is truncated: header says 10000 images of 28x28 (7840016 bytes), found 4000123 bytes");
    EXPECT_EQ(error_of([&] { load_idx(dir / "img", dir / "labels"); }),
              dir / "labels" + ": file is truncated: header says 10000 labels (10008 bytes), found 10007 bytes");
}

TEST(LoadIdx, HugeCountsAreRejectedBeforeAllocating) {
    TempDir dir;
    write_raw(dir / "big", idx_images(4000000000u, 28, 28, kPixels));
    write_raw(dir / "huge", idx_images(0xffffffffu, 0xffffffffu, 0xffffffffu, kPixels));
    write_raw(dir / "biglabels", idx_labels(0xffffffffu, kLabels));
    write_raw(dir / "img", idx_images(3, 2, 2, kPixels));
    EXPECT_EQ(error_of([&] { load_idx(dir / "big", dir / "big"); }),
              dir / "big" + ": file is truncated: header says 4000000000 images of 28x28 (3136000000016 bytes), "
                            "found 28 bytes");
    EXPECT_EQ(error_of([&] { load_idx(dir / "huge", dir / "huge"); }),
              dir / "huge" + ": file is truncated: header says 4294967295 images of 4294967295x4294967295 "
                             "(more than 2^64 bytes), found 28 bytes");
    EXPECT_EQ(error_of([&] { load_idx(dir / "img", dir / "biglabels"); }),
              dir / "biglabels" + ": file is truncated: header says 4294967295 labels (4294967303 bytes), "
                                  "found 11 bytes");
}

TEST(LoadIdx, TrailingBytesEmptyImagesAndNoImages) {
    TempDir dir;
    Bytes extra = kPixels;
    extra.push_back(0);
    write_raw(dir / "long", idx_images(3, 2, 2, extra));
    write_raw(dir / "flat", idx_images(3, 0, 2, {}));
    write_raw(dir / "none", idx_images(0, 2, 2, {}));
    EXPECT_EQ(error_of([&] { load_idx(dir / "long", dir / "x"); }),
              dir / "long" + ": file is longer than its header says: header says 3 images of 2x2 (28 bytes), "
                             "found 29 bytes; the file is corrupt");
    EXPECT_EQ(error_of([&] { load_idx(dir / "flat", dir / "x"); }),
              dir / "flat" + ": header says images of 0x2, which are empty; the file is corrupt");
    EXPECT_EQ(error_of([&] { load_idx(dir / "none", dir / "x"); }),
              dir / "none" + ": file holds no images; pass a non-empty IDX image file");
}

TEST(LoadIdx, CountMismatch) {
    TempDir dir;
    write_raw(dir / "img", idx_images(3, 2, 2, kPixels));
    write_raw(dir / "lab", idx_labels(2, {1, 2}));
    EXPECT_EQ(error_of([&] { load_idx(dir / "img", dir / "lab"); }),
              dir / "lab" + ": holds 2 labels but " + dir / "img" +
                  " holds 3 images; pass the labels file of the same split as the images");
}

TEST(LoadIdx, CorruptGzip) {
    TempDir dir;
    write_gz(dir / "img.gz", idx_images(3, 2, 2, kPixels));
    Bytes gz = read_raw(dir / "img.gz");
    ASSERT_GT(gz.size(), 18u);

    // Only the 8-byte trailer (CRC, length) missing: the data is complete but
    // unverified.
    write_raw(dir / "cut.gz", Bytes(gz.begin(), gz.end() - 8));
    EXPECT_EQ(error_of([&] { load_idx(dir / "cut.gz", dir / "x"); }),
              dir / "cut.gz" + ": gzip stream is truncated (unexpected end of file); download the file again");

    // A wrong CRC: zlib reports it as a read error.
    gz[gz.size() - 8] ^= 0xff;
    write_raw(dir / "crc.gz", gz);
    const std::string message = error_of([&] { load_idx(dir / "crc.gz", dir / "x"); });
    EXPECT_EQ(message, dir / "crc.gz" + ": cannot read: incorrect data check (corrupt gzip data); download the file again");
}

TEST(LoadIdxDir, SplitsAndPreferGz) {
    TempDir dir;
    write_gz(dir / "train-images-idx3-ubyte.gz", idx_images(3, 2, 2, kPixels));
    write_gz(dir / "train-labels-idx1-ubyte.gz", idx_labels(3, kLabels));
    // Raw copies that would fail: they must not be picked while .gz exists.
    write_raw(dir / "train-images-idx3-ubyte", {1, 2, 3});
    write_raw(dir / "train-labels-idx1-ubyte", {1, 2, 3});
    write_raw(dir / "t10k-images-idx3-ubyte", idx_images(1, 1, 1, {255}));
    write_raw(dir / "t10k-labels-idx1-ubyte", idx_labels(1, {4}));

    const Dataset train = load_idx_dir(dir.path(), "train");
    expect_small_set(train);
    EXPECT_EQ(train.source, dir / "train-images-idx3-ubyte.gz");

    const Dataset test = load_idx_dir(dir.path(), "test");
    EXPECT_EQ(test.count, 1);
    EXPECT_EQ(test.sample_shape, (std::vector<int64_t>{1, 1}));
    EXPECT_EQ(test.inputs, std::vector<float>{1.0f});
    EXPECT_EQ(test.labels, std::vector<int32_t>{4});
    EXPECT_EQ(test.source, dir / "t10k-images-idx3-ubyte");
}

TEST(LoadIdxDir, Errors) {
    TempDir dir;
    write_raw(dir / "t10k-images-idx3-ubyte", idx_images(1, 1, 1, {255}));
    EXPECT_EQ(error_of([&] { load_idx_dir(dir.path(), "test"); }),
              dir.path() + ": neither t10k-labels-idx1-ubyte.gz nor t10k-labels-idx1-ubyte found; "
                           "pass a directory laid out like /usr/share/datasets/fashion-mnist");
    EXPECT_EQ(error_of([&] { load_idx_dir(dir.path(), "train"); }),
              dir.path() + ": neither train-images-idx3-ubyte.gz nor train-images-idx3-ubyte found; "
                           "pass a directory laid out like /usr/share/datasets/fashion-mnist");
    EXPECT_EQ(error_of([&] { load_idx_dir(dir.path(), "validation"); }),
              dir.path() + ": unknown split 'validation'; use 'train' or 'test'");
    EXPECT_EQ(error_of([&] { load_idx_dir(dir / "missing", "train"); }),
              dir / "missing" + ": cannot open: No such file or directory");
    EXPECT_EQ(error_of([&] { load_idx_dir(dir / "t10k-images-idx3-ubyte", "train"); }),
              dir / "t10k-images-idx3-ubyte" + ": not a directory; pass the directory that holds the IDX files");
}

// The data set is part of the test machine (the e2e suite trains on it): a
// machine without it fails here, unless its owner says so explicitly with
// NNC_ALLOW_MISSING_FASHION_MNIST=1 (then the test is skipped, and says so).
TEST(LoadIdxDir, FashionMnistInstalled) {
    const std::string root = "/usr/share/datasets/fashion-mnist";
    if (!std::filesystem::exists(root + "/t10k-images-idx3-ubyte.gz")) {
        const char* allow = std::getenv("NNC_ALLOW_MISSING_FASHION_MNIST");
        if (allow && std::string(allow) == "1") GTEST_SKIP() << root << " not installed (NNC_ALLOW_MISSING_FASHION_MNIST=1)";
        FAIL() << root << "/t10k-images-idx3-ubyte.gz not found: install Fashion-MNIST there (the e2e tests need it "
                          "too), or set NNC_ALLOW_MISSING_FASHION_MNIST=1 to skip this test";
    }
    const Dataset d = load_idx_dir(root, "test");
    EXPECT_EQ(d.count, 10000);
    EXPECT_EQ(d.sample_shape, (std::vector<int64_t>{28, 28}));
    EXPECT_EQ(d.inputs.size(), 10000u * 784u);
    EXPECT_NO_THROW(check_labels(d, 10));
    EXPECT_EQ(error_of([&] { check_labels(d, 5); }).find(root + "/t10k-labels-idx1-ubyte.gz: record "), 0u);
}

TEST(LoadCsv, ClassTargetsWithHeaderCommentsAndSpaces) {
    TempDir dir;
    write_text(dir / "data.csv",
               "# points of two classes\n"
               "x1, x2 ,label\n"
               "\n"
               "0.5,1,0\n"
               "  -2.25 , +3e1 ,  1  \r\n"
               "# trailing comment\n"
               "\t\n"
               "7,8,2");
    const Dataset d = load_csv(dir / "data.csv", 2, 0, true);
    EXPECT_EQ(d.source, dir / "data.csv");
    EXPECT_EQ(d.count, 3);
    EXPECT_EQ(d.sample_shape, std::vector<int64_t>{2});
    EXPECT_EQ(d.inputs, (std::vector<float>{0.5f, 1, -2.25f, 30, 7, 8}));
    EXPECT_TRUE(d.class_targets);
    EXPECT_EQ(d.labels, (std::vector<int32_t>{0, 1, 2}));
    EXPECT_EQ(d.target_width, 0);
    EXPECT_TRUE(d.targets.empty());
}

TEST(LoadCsv, FloatTargets) {
    TempDir dir;
    write_text(dir / "reg.csv", "1,2,3,0.5,-0.5\n4,5,6,1e-3,2\n");
    const Dataset d = load_csv(dir / "reg.csv", 3, 2, false);
    EXPECT_EQ(d.count, 2);
    EXPECT_FALSE(d.class_targets);
    EXPECT_EQ(d.target_width, 2);
    EXPECT_EQ(d.inputs, (std::vector<float>{1, 2, 3, 4, 5, 6}));
    EXPECT_EQ(d.targets, (std::vector<float>{0.5f, -0.5f, 1e-3f, 2}));
    EXPECT_TRUE(d.labels.empty());
}

TEST(LoadCsv, InputsOnlyForPrediction) {
    TempDir dir;
    write_text(dir / "x.csv", "x1,x2\n1,2\n3,4\n");
    const Dataset d = load_csv(dir / "x.csv", 2, 0, false);
    EXPECT_EQ(d.count, 2);
    EXPECT_EQ(d.inputs, (std::vector<float>{1, 2, 3, 4}));
    EXPECT_EQ(d.target_width, 0);
    EXPECT_TRUE(d.targets.empty());
    write_text(dir / "y.csv", "1,2\n3,4,1\n");
    EXPECT_EQ(error_of([&] { load_csv(dir / "y.csv", 2, 0, false); }),
              dir / "y.csv" + ":2: expected 2 fields (the model's inputs), found 3; "
                              "each row must hold just the model's inputs");
}

TEST(LoadCsv, WrongFieldCount) {
    TempDir dir;
    write_text(dir / "data.csv", "a,b,c\n0,0,0\n# note\n0,1,1\n\n1,0,1\n1,1,0,5\n");
    EXPECT_EQ(error_of([&] { load_csv(dir / "data.csv", 2, 0, true); }),
              dir / "data.csv" + ":7: expected 3 fields (2 inputs + 1 target), found 4; "
                                 "each row must hold the model's inputs then its target");
    EXPECT_EQ(error_of([&] { load_csv(dir / "data.csv", 1, 2, false); }),
              dir / "data.csv" + ":7: expected 3 fields (1 input + 2 targets), found 4; "
                                 "each row must hold the model's inputs then its target");
    // A trailing comma makes an extra, empty field.
    write_text(dir / "comma.csv", "1,2,\n");
    EXPECT_EQ(error_of([&] { load_csv(dir / "comma.csv", 1, 0, true); }),
              dir / "comma.csv" + ":1: expected 2 fields (1 input + 1 target), found 3; "
                                  "each row must hold the model's inputs then its target");
}

TEST(LoadCsv, BadFields) {
    TempDir dir;
    write_text(dir / "data.csv", "x,y,t\n1,2,0\n1,2,0\n1,2,0\n1,2,0\n1,2,0\n1,2,0\n1,2,0\n3,abc,1\n");
    EXPECT_EQ(error_of([&] { load_csv(dir / "data.csv", 2, 0, true); }),
              dir / "data.csv" + ":9: field 2 is 'abc', not a number");

    const auto first_row = [&](const std::string& row, bool classes) {
        write_text(dir / "one.csv", "# c\n" + row + "\n");
        return error_of([&] { load_csv(dir / "one.csv", 2, 1, classes); });
    };
    const std::string at = dir / "one.csv" + ":2: ";
    // Mixed text and numbers is not a header: the text is an error.
    EXPECT_EQ(first_row("x,1,2", true), at + "field 1 is 'x', not a number");
    EXPECT_EQ(first_row("1,,2", true), at + "field 2 is '', not a number");
    EXPECT_EQ(first_row("1,nan,2", false), at + "field 2 is 'nan', not a finite number");
    EXPECT_EQ(first_row("1,2,inf", false), at + "field 3 is 'inf', not a finite number");
    EXPECT_EQ(first_row("1e400,2,1", false), at + "field 1 is '1e400', out of range for a 32-bit float");
    EXPECT_EQ(first_row("1,1e39,1", false), at + "field 2 is '1e39', out of range for a 32-bit float");
    EXPECT_EQ(first_row("1,2,1.5", true), at + "field 3 is '1.5', not a whole-number class index");
    EXPECT_EQ(first_row("1,2,1e12", true), at + "field 3 is '1e12', not a whole-number class index");
    EXPECT_EQ(first_row("1,2,3x", true), at + "field 3 is '3x', not a number");
    EXPECT_EQ(first_row("1,2,\x01\x02", true), at + "field 3 is '\\x01\\x02', not a number");
}

TEST(LoadCsv, MissingEmptyAndHeaderOnly) {
    TempDir dir;
    EXPECT_EQ(error_of([&] { load_csv(dir / "y.csv", 2, 0, true); }),
              dir / "y.csv" + ": cannot open: No such file or directory");
    write_text(dir / "empty.csv", "");
    EXPECT_EQ(error_of([&] { load_csv(dir / "empty.csv", 2, 0, true); }),
              dir / "empty.csv" + ": no data rows; each row must hold the model's inputs then its target");
    write_text(dir / "header.csv", "# only\nx1,x2,y\n\n");
    EXPECT_EQ(error_of([&] { load_csv(dir / "header.csv", 2, 0, true); }),
              dir / "header.csv" + ": no data rows; each row must hold the model's inputs then its target");
    EXPECT_EQ(error_of([&] { load_csv(dir.path(), 2, 0, true); }), dir.path() + ": cannot open: Is a directory");
    EXPECT_EQ(error_of([&] { load_csv(dir / "header.csv", 0, 0, true); }),
              dir / "header.csv" + ": the model's input width is 0; it must be positive");
    EXPECT_EQ(error_of([&] { load_csv(dir / "header.csv", 2, -1, false); }),
              dir / "header.csv" + ": the model's target width is -1; it must not be negative");
    EXPECT_EQ(error_of([&] { load_csv(dir / "header.csv", 2, 0, false); }),
              dir / "header.csv" + ": no data rows; each row must hold the model's inputs");
}

TEST(Builtin, TruthTables) {
    const std::vector<float> inputs = {0, 0, 0, 1, 1, 0, 1, 1};
    const std::pair<const char*, std::vector<float>> cases[] = {
        {"or", {0, 1, 1, 1}}, {"and", {0, 0, 0, 1}}, {"xor", {0, 1, 1, 0}}};
    for (const auto& [name, targets] : cases) {
        const Dataset d = builtin_dataset(name);
        EXPECT_EQ(d.source, std::string("builtin.") + name);
        EXPECT_EQ(d.count, 4);
        EXPECT_EQ(d.sample_shape, std::vector<int64_t>{2});
        EXPECT_EQ(d.inputs, inputs);
        EXPECT_FALSE(d.class_targets);
        EXPECT_EQ(d.target_width, 1);
        EXPECT_EQ(d.targets, targets) << name;
    }
    EXPECT_EQ(error_of([] { builtin_dataset("nand"); }), "unknown built-in dataset 'nand'; known ones: and, or, xor");
}

TEST(CheckLabels, IdxRecordOutOfRange) {
    TempDir dir;
    Bytes labels(20, 3);
    labels[16] = 12;  // record 17
    write_raw(dir / "images.idx", idx_images(20, 1, 1, Bytes(20, 0)));
    write_raw(dir / "labels.idx", idx_labels(20, labels));
    const Dataset d = load_idx(dir / "images.idx", dir / "labels.idx");
    EXPECT_NO_THROW(check_labels(d, 13));
    EXPECT_EQ(error_of([&] { check_labels(d, 10); }),
              dir / "labels.idx" + ": record 17: label 12 is outside the 10 classes (0..9) of the model's target");
    EXPECT_EQ(error_of([&] { check_labels(d, 0); }),
              dir / "labels.idx" + ": the model's target has 0 classes; it needs at least 1");
}

TEST(CheckLabels, CsvNegativeLabelAndFloatTargets) {
    TempDir dir;
    // Record 3 is on line 5: a CSV's labels are named by the file's line.
    write_text(dir / "d.csv", "x,label\n1,0\n# a comment\n2,1\n3,-1\n");
    const Dataset d = load_csv(dir / "d.csv", 1, 0, true);
    EXPECT_EQ(error_of([&] { check_labels(d, 2); }),
              dir / "d.csv" + ":5: label -1 is outside the 2 classes (0..1) of the model's target");
    EXPECT_NO_THROW(check_labels(builtin_dataset("xor"), 2));
}

}  // namespace
