#include "runtime/safetensors.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <sys/stat.h>

#include "test/unit/test_util.h"

using namespace nnc::rt;
using namespace nnc::test;

namespace {

// A safetensors file assembled by hand: 8-byte little-endian length, the JSON
// text, then the data bytes. Independent of the code under test.
Bytes assemble(const std::string& header, const Bytes& data) {
    Bytes b;
    const uint64_t n = header.size();
    for (int i = 0; i < 8; ++i) b.push_back(static_cast<unsigned char>(n >> (8 * i)));
    b.insert(b.end(), header.begin(), header.end());
    b.insert(b.end(), data.begin(), data.end());
    return b;
}

std::vector<std::string> entries_of(const std::string& dir) {
    std::vector<std::string> names;
    for (const auto& e : std::filesystem::directory_iterator(dir)) names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

TensorFile sample_file() {
    TensorFile f;
    f.tensors.push_back({"layer1.weight", {2, 3}, {1, -2, 3.5f, 0, 1e-8f, -1e30f}});
    f.tensors.push_back({"layer1.bias", {3}, {0.25f, -0.125f, 7}});
    f.tensors.push_back({"scale", {}, {42}});
    f.tensors.push_back({"empty", {0, 4}, {}});
    f.metadata = {{"format", "pt"}, {"nnc.epoch", "3"}};
    return f;
}

TEST(Safetensors, LoadsHandBuiltFile) {
    TempDir dir;
    // "b" is stored first in the data area although listed second.
    const std::string header =
        R"({"a":{"dtype":"F32","shape":[1,1],"data_offsets":[8,12]},)"
        R"("__metadata__":{"format":"pt"},)"
        R"("b":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}   )";
    const Bytes data = {0x00, 0x00, 0x80, 0x3f,   // 1.0f
                        0x00, 0x00, 0x20, 0xc0,   // -2.5f
                        0x00, 0x00, 0x00, 0x3f};  // 0.5f
    write_raw(dir / "hand.safetensors", assemble(header, data));

    const TensorFile f = load_safetensors(dir / "hand.safetensors");
    ASSERT_EQ(f.tensors.size(), 2u);
    EXPECT_EQ(f.tensors[0].name, "b");
    EXPECT_EQ(f.tensors[0].shape, std::vector<int64_t>{2});
    EXPECT_EQ(f.tensors[0].data, (std::vector<float>{1.0f, -2.5f}));
    const NamedTensor* a = f.find("a");
    ASSERT_NE(a, nullptr);
    EXPECT_EQ(a->shape, (std::vector<int64_t>{1, 1}));
    EXPECT_EQ(a->data, std::vector<float>{0.5f});
    EXPECT_EQ(f.find("c"), nullptr);
    EXPECT_EQ(f.metadata, (std::map<std::string, std::string>{{"format", "pt"}}));
}

TEST(Safetensors, RoundTrip) {
    TempDir dir;
    const std::string path = dir / "model.safetensors";
    const TensorFile original = sample_file();
    save_safetensors(path, original);
    EXPECT_EQ(entries_of(dir.path()), std::vector<std::string>{"model.safetensors"});  // no temp file left

    const TensorFile back = load_safetensors(path);
    ASSERT_EQ(back.tensors.size(), original.tensors.size());
    for (const NamedTensor& t : original.tensors) {
        const NamedTensor* got = back.find(t.name);
        ASSERT_NE(got, nullptr) << t.name;
        EXPECT_EQ(got->shape, t.shape) << t.name;
        EXPECT_EQ(got->data, t.data) << t.name;
    }
    EXPECT_EQ(back.metadata, original.metadata);

    // Saving again replaces the file.
    TensorFile smaller;
    smaller.tensors.push_back({"w", {1}, {NAN}});
    save_safetensors(path, smaller);
    const TensorFile again = load_safetensors(path);
    ASSERT_EQ(again.tensors.size(), 1u);
    EXPECT_TRUE(std::isnan(again.tensors[0].data[0]));
    EXPECT_TRUE(again.metadata.empty());
}

TEST(Safetensors, WrittenBytesFollowTheSpec) {
    TempDir dir;
    TensorFile f;
    f.tensors.push_back({"w", {2}, {1.0f, -2.5f}});
    f.tensors.push_back({"b", {1}, {0.5f}});
    f.metadata = {{"k", "v"}};
    save_safetensors(dir / "m.safetensors", f);
    const Bytes b = read_raw(dir / "m.safetensors");
    ASSERT_GE(b.size(), 8u);
    uint64_t n = 0;
    for (int i = 0; i < 8; ++i) n |= uint64_t{b[i]} << (8 * i);
    EXPECT_EQ(n % 8, 0u);  // padded so the data area is 8-byte aligned
    ASSERT_EQ(b.size(), 8 + n + 12);
    const std::string text(b.begin() + 8, b.begin() + 8 + static_cast<long>(n));
    EXPECT_EQ(text.front(), '{');
    EXPECT_EQ(text.find_first_not_of(' ', text.rfind('}') + 1), std::string::npos);  // only spaces pad

    const nlohmann::json h = nlohmann::json::parse(text);
    EXPECT_EQ(h["w"]["dtype"], "F32");
    EXPECT_EQ(h["w"]["shape"], nlohmann::json::array({2}));
    EXPECT_EQ(h["w"]["data_offsets"], nlohmann::json::array({0, 8}));
    EXPECT_EQ(h["b"]["data_offsets"], nlohmann::json::array({8, 12}));
    EXPECT_EQ(h["__metadata__"], nlohmann::json({{"k", "v"}}));
    const Bytes data(b.end() - 12, b.end());
    EXPECT_EQ(data, (Bytes{0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x20, 0xc0, 0x00, 0x00, 0x00, 0x3f}));
}

TEST(Safetensors, LoadErrors) {
    TempDir dir;
    const std::string p = dir / "bad.safetensors";
    const auto load_error = [&](const Bytes& bytes) {
        write_raw(p, bytes);
        return error_of([&] { load_safetensors(p); });
    };
    const auto with_header = [&](const std::string& header, size_t data_bytes = 8) {
        return load_error(assemble(header, Bytes(data_bytes, 0)));
    };

    EXPECT_EQ(error_of([&] { load_safetensors(dir / "none.safetensors"); }),
              dir / "none.safetensors" + ": cannot open: No such file or directory");
    EXPECT_EQ(load_error({1, 2, 3, 4, 5}),
              p + ": file is too short for a safetensors header (5 bytes, need at least 8); "
                  "the file is truncated or not a safetensors file");
    EXPECT_EQ(load_error({200, 0, 0, 0, 0, 0, 0, 0, '{', '}'}),
              p + ": header length 200 runs past the end of the file (10 bytes); "
                  "the file is truncated or not a safetensors file");
    EXPECT_EQ(load_error({0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, '{', '}'}),
              p + ": header length 18446744073709551615 runs past the end of the file (10 bytes); "
                  "the file is truncated or not a safetensors file");
    const std::string not_json = with_header("{\"a\":", 0);
    EXPECT_EQ(not_json.find(p + ": header is not valid JSON ("), 0u) << not_json;
    EXPECT_NE(not_json.find("; the file is corrupt or not a safetensors file"), std::string::npos) << not_json;
    EXPECT_EQ(not_json.find('\n'), std::string::npos);
    EXPECT_EQ(with_header("[1,2]"), p + ": header is not a JSON object; the file is corrupt or not a safetensors file");

    EXPECT_EQ(with_header(R"({"w":{"dtype":"F16","shape":[4],"data_offsets":[0,8]}})"),
              p + ": tensor 'w': dtype F16 is not supported (only F32); convert the tensor to float32");
    EXPECT_EQ(with_header(R"({"w":{"shape":[2],"data_offsets":[0,8]}})"),
              p + ": tensor 'w': missing \"dtype\"; the file is corrupt");
    EXPECT_EQ(with_header(R"({"w":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}})"),
              p + ": tensor 'w': \"shape\" is not a list of non-negative integers; the file is corrupt");
    EXPECT_EQ(with_header(R"({"w":{"dtype":"F32","shape":[2],"data_offsets":[0]}})"),
              p + ": tensor 'w': \"data_offsets\" is not a pair of non-negative integers; the file is corrupt");
    EXPECT_EQ(with_header(R"({"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}})"),
              p + ": tensor 'w': data_offsets [0, 16] lie outside the data area (8 bytes); "
                  "the file is truncated or corrupt");
    EXPECT_EQ(with_header(R"({"w":{"dtype":"F32","shape":[2],"data_offsets":[8,0]}})"),
              p + ": tensor 'w': data_offsets [8, 0] lie outside the data area (8 bytes); "
                  "the file is truncated or corrupt");
    EXPECT_EQ(with_header(R"({"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})"),
              p + ": tensor 'w': data_offsets [0, 8] hold 8 bytes but shape [3] of F32 needs 12 bytes; "
                  "the file is corrupt");
    EXPECT_EQ(with_header(R"({"w":{"dtype":"F32","shape":[4611686018427387904,4],"data_offsets":[0,8]}})"),
              p + ": tensor 'w': data_offsets [0, 8] hold 8 bytes but shape [4611686018427387904, 4] of F32 "
                  "needs too many bytes; the file is corrupt");
    EXPECT_EQ(with_header(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                          R"("b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})"),
              p + ": tensor 'b' overlaps tensor 'a' in the data area; the file is corrupt");
    EXPECT_EQ(with_header(R"({"__metadata__":{"epoch":3}})"),
              p + ": __metadata__ entry 'epoch' is not a string; the file is corrupt");
    EXPECT_EQ(with_header(R"({"__metadata__":[]})"), p + ": __metadata__ is not a JSON object; the file is corrupt");
}

TEST(Safetensors, SaveRejectsBadTensorsBeforeWriting) {
    TempDir dir;
    const std::string path = dir / "m.safetensors";
    save_safetensors(path, sample_file());
    const Bytes before = read_raw(path);

    TensorFile wrong_size;
    wrong_size.tensors.push_back({"w", {2, 2}, {1, 2, 3}});
    EXPECT_EQ(error_of([&] { save_safetensors(path, wrong_size); }),
              path + ": cannot save tensor 'w': shape [2, 2] needs 4 values, found 3");
    TensorFile twice;
    twice.tensors.push_back({"w", {1}, {1}});
    twice.tensors.push_back({"w", {1}, {2}});
    EXPECT_EQ(error_of([&] { save_safetensors(path, twice); }),
              path + ": cannot save tensor 'w': the name is used twice; tensor names must be unique");
    TensorFile reserved;
    reserved.tensors.push_back({"__metadata__", {1}, {1}});
    EXPECT_EQ(error_of([&] { save_safetensors(path, reserved); }),
              path + ": cannot save tensor '__metadata__': the name is reserved or empty; rename the tensor");
    TensorFile negative;
    negative.tensors.push_back({"w", {-1}, {}});
    EXPECT_EQ(error_of([&] { save_safetensors(path, negative); }),
              path + ": cannot save tensor 'w': shape [-1] has a negative or too large dimension");

    EXPECT_EQ(read_raw(path), before);
    EXPECT_EQ(entries_of(dir.path()), std::vector<std::string>{"m.safetensors"});
}

TEST(Safetensors, AtomicSaveOverDirectoryLeavesItAlone) {
    TempDir dir;
    const std::string path = dir / "model.safetensors";
    ASSERT_EQ(::mkdir(path.c_str(), 0700), 0);
    const std::string tmp = path + ".tmp-" + std::to_string(::getpid());
    EXPECT_EQ(error_of([&] { save_safetensors(path, sample_file()); }),
              path + ": cannot save: cannot replace it with " + tmp + ": Is a directory; remove it or choose another path");
    EXPECT_TRUE(std::filesystem::is_directory(path));
    EXPECT_EQ(entries_of(dir.path()), std::vector<std::string>{"model.safetensors"});
}

TEST(Safetensors, AtomicSaveKeepsOldFileWhenTempCannotBeCreated) {
    // Works even as root: the temp file's name is taken by a directory.
    TempDir dir;
    const std::string path = dir / "model.safetensors";
    save_safetensors(path, sample_file());
    const Bytes before = read_raw(path);
    const std::string tmp = path + ".tmp-" + std::to_string(::getpid());
    ASSERT_EQ(::mkdir(tmp.c_str(), 0700), 0);
    TensorFile other;
    other.tensors.push_back({"x", {1}, {5}});
    EXPECT_EQ(error_of([&] { save_safetensors(path, other); }),
              path + ": cannot save: cannot create " + tmp + ": Is a directory");
    EXPECT_EQ(read_raw(path), before);
    EXPECT_TRUE(std::filesystem::is_directory(tmp));
}

}  // namespace
