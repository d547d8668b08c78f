#include "runtime/safetensors.h"

#include "runtime/file_io.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <limits>
#include <set>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace nnc::rt {

namespace {

[[noreturn]] void fail(const std::string& message) { throw DataError(message); }

std::string in_quotes(const std::string& name) { return "'" + name + "'"; }

std::string shape_text(const std::vector<int64_t>& shape) {
    std::string s = "[";
    for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
    return s + "]";
}

// Number of elements, or false when it does not fit in 62 bits: then 4 bytes
// per element cannot be represented and the shape is unusable anyway.
bool element_count(const std::vector<int64_t>& shape, uint64_t& count) {
    constexpr uint64_t limit = std::numeric_limits<uint64_t>::max() / 4;
    count = 1;
    for (int64_t d : shape) {
        if (d < 0) return false;
        const uint64_t u = static_cast<uint64_t>(d);
        if (u != 0 && count > limit / u) return false;
        count *= u;
    }
    return true;
}

// The format is little-endian whatever the host is; spell it out byte by byte.
void put_f32(unsigned char* out, float v) {
    uint32_t bits;
    std::memcpy(&bits, &v, 4);
    for (int i = 0; i < 4; ++i) out[i] = static_cast<unsigned char>(bits >> (8 * i));
}

float get_f32(const unsigned char* in) {
    uint32_t bits = 0;
    for (int i = 0; i < 4; ++i) bits |= uint32_t{in[i]} << (8 * i);
    float v;
    std::memcpy(&v, &bits, 4);
    return v;
}

// Reads a JSON array of non-negative integers; false if it is anything else.
bool unsigned_list(const nlohmann::json& j, std::vector<uint64_t>& out) {
    if (!j.is_array()) return false;
    for (const auto& e : j) {
        if (!e.is_number_unsigned()) return false;
        out.push_back(e.get<uint64_t>());
    }
    return true;
}

struct Entry {
    std::string name;
    std::vector<int64_t> shape;
    uint64_t begin = 0, end = 0;
};

Entry parse_entry(const std::string& path, const std::string& name, const nlohmann::json& j, uint64_t data_size) {
    const std::string where = path + ": tensor " + in_quotes(name) + ": ";
    if (!j.is_object()) fail(where + "entry is not a JSON object; the file is corrupt");
    const auto dtype = j.find("dtype");
    if (dtype == j.end() || !dtype->is_string()) fail(where + "missing \"dtype\"; the file is corrupt");
    if (*dtype != "F32")
        fail(where + "dtype " + dtype->get<std::string>() + " is not supported (only F32); convert the tensor to float32");

    Entry e;
    e.name = name;
    std::vector<uint64_t> dims, offsets;
    const auto shape = j.find("shape");
    if (shape == j.end() || !unsigned_list(*shape, dims))
        fail(where + "\"shape\" is not a list of non-negative integers; the file is corrupt");
    for (uint64_t d : dims) {
        if (d > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
            fail(where + "dimension " + std::to_string(d) + " is too large; the file is corrupt");
        e.shape.push_back(static_cast<int64_t>(d));
    }
    const auto data_offsets = j.find("data_offsets");
    if (data_offsets == j.end() || !unsigned_list(*data_offsets, offsets) || offsets.size() != 2)
        fail(where + "\"data_offsets\" is not a pair of non-negative integers; the file is corrupt");
    e.begin = offsets[0];
    e.end = offsets[1];
    const std::string range = "data_offsets [" + std::to_string(e.begin) + ", " + std::to_string(e.end) + "]";
    if (e.begin > e.end || e.end > data_size)
        fail(where + range + " lie outside the data area (" + std::to_string(data_size) +
             " bytes); the file is truncated or corrupt");
    uint64_t count = 0;
    if (!element_count(e.shape, count) || e.end - e.begin != 4 * count)
        fail(where + range + " hold " + std::to_string(e.end - e.begin) + " bytes but shape " + shape_text(e.shape) +
             " of F32 needs " + (element_count(e.shape, count) ? std::to_string(4 * count) : "too many") +
             " bytes; the file is corrupt");
    return e;
}

}  // namespace

const NamedTensor* TensorFile::find(const std::string& name) const {
    for (const auto& t : tensors)
        if (t.name == name) return &t;
    return nullptr;
}

void save_safetensors(const std::string& path, const TensorFile& file) {
    // Validate everything before touching the disk.
    nlohmann::ordered_json header = nlohmann::ordered_json::object();
    if (!file.metadata.empty()) header["__metadata__"] = file.metadata;
    std::set<std::string> seen;
    uint64_t offset = 0;
    for (const auto& t : file.tensors) {
        const std::string where = path + ": cannot save tensor " + in_quotes(t.name) + ": ";
        if (t.name.empty() || t.name == "__metadata__") fail(where + "the name is reserved or empty; rename the tensor");
        if (!seen.insert(t.name).second) fail(where + "the name is used twice; tensor names must be unique");
        uint64_t count = 0;
        if (!element_count(t.shape, count))
            fail(where + "shape " + shape_text(t.shape) + " has a negative or too large dimension");
        if (count != t.data.size())
            fail(where + "shape " + shape_text(t.shape) + " needs " + std::to_string(count) + " values, found " +
                 std::to_string(t.data.size()));
        header[t.name] = {{"dtype", "F32"}, {"shape", t.shape}, {"data_offsets", {offset, offset + 4 * count}}};
        offset += 4 * count;
    }
    std::string text;
    try {
        text = header.dump();
    } catch (const nlohmann::json::exception&) {
        fail(path + ": cannot save: a tensor name or metadata entry is not valid UTF-8; use UTF-8 text");
    }
    // Padding to a multiple of 8 keeps the data area 8-byte aligned for
    // readers that map the file.
    text.append((8 - text.size() % 8) % 8, ' ');

    AtomicFile out(path);
    unsigned char length[8];
    for (int i = 0; i < 8; ++i) length[i] = static_cast<unsigned char>(static_cast<uint64_t>(text.size()) >> (8 * i));
    out.write(length, 8);
    out.write(text.data(), text.size());
    std::vector<unsigned char> buf;
    for (const auto& t : file.tensors) {
        buf.resize(4 * t.data.size());
        for (size_t i = 0; i < t.data.size(); ++i) put_f32(&buf[4 * i], t.data[i]);
        out.write(buf.data(), buf.size());
    }
    out.commit();
}

TensorFile load_safetensors(const std::string& path) {
    const std::string bytes = read_whole_file(path);
    const auto* raw = reinterpret_cast<const unsigned char*>(bytes.data());
    if (bytes.size() < 8)
        fail(path + ": file is too short for a safetensors header (" + std::to_string(bytes.size()) +
             " bytes, need at least 8); the file is truncated or not a safetensors file");
    uint64_t header_len = 0;
    for (int i = 0; i < 8; ++i) header_len |= uint64_t{raw[i]} << (8 * i);
    const uint64_t rest = bytes.size() - 8;
    if (header_len > rest)
        fail(path + ": header length " + std::to_string(header_len) + " runs past the end of the file (" +
             std::to_string(bytes.size()) + " bytes); the file is truncated or not a safetensors file");

    nlohmann::json header;
    try {
        header = nlohmann::json::parse(bytes.begin() + 8, bytes.begin() + 8 + static_cast<std::ptrdiff_t>(header_len));
    } catch (const nlohmann::json::exception& e) {
        std::string why = e.what();
        std::replace(why.begin(), why.end(), '\n', ' ');
        fail(path + ": header is not valid JSON (" + why + "); the file is corrupt or not a safetensors file");
    }
    if (!header.is_object()) fail(path + ": header is not a JSON object; the file is corrupt or not a safetensors file");

    const unsigned char* data = raw + 8 + header_len;
    const uint64_t data_size = rest - header_len;
    TensorFile file;
    std::vector<Entry> entries;
    for (const auto& [name, value] : header.items()) {
        if (name != "__metadata__") {
            entries.push_back(parse_entry(path, name, value, data_size));
            continue;
        }
        if (!value.is_object()) fail(path + ": __metadata__ is not a JSON object; the file is corrupt");
        for (const auto& [key, v] : value.items()) {
            if (!v.is_string()) fail(path + ": __metadata__ entry " + in_quotes(key) + " is not a string; the file is corrupt");
            file.metadata[key] = v.get<std::string>();
        }
    }

    // Tensors must occupy disjoint byte ranges; check in offset order, which is
    // also the order they are returned in.
    std::sort(entries.begin(), entries.end(),
              [](const Entry& a, const Entry& b) { return a.begin != b.begin ? a.begin < b.begin : a.end < b.end; });
    for (size_t i = 1; i < entries.size(); ++i) {
        if (entries[i].begin < entries[i - 1].end)
            fail(path + ": tensor " + in_quotes(entries[i].name) + " overlaps tensor " + in_quotes(entries[i - 1].name) +
                 " in the data area; the file is corrupt");
    }
    for (const Entry& e : entries) {
        NamedTensor t;
        t.name = e.name;
        t.shape = e.shape;
        t.data.resize((e.end - e.begin) / 4);
        for (size_t i = 0; i < t.data.size(); ++i) t.data[i] = get_f32(data + e.begin + 4 * i);
        file.tensors.push_back(std::move(t));
    }
    return file;
}

}  // namespace nnc::rt
