#include "runtime/dataset.h"

#include "runtime/file_io.h"
#include "runtime/printable.h"

#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <charconv>
#include <limits>
#include <memory>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace nnc::rt {

namespace {

[[noreturn]] void fail(const std::string& message) { throw DataError(message); }

std::string hex32(uint32_t v) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "0x%08x", v);
    return buf;
}

uint32_t be32(const unsigned char* p) {
    return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
}

// "1 input", "2 inputs": the CSV messages count things for the user.
std::string count_of(int64_t n, const char* noun) {
    return std::to_string(n) + " " + noun + (n == 1 ? "" : "s");
}

// open() reports errno for a missing or unreadable file; a directory opens
// fine but fails later with a vaguer error, so it is refused here.
FileDescriptor open_for_reading(const std::string& path) {
    FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (fd.get() < 0) fail(path + ": cannot open: " + std::strerror(errno));
    struct stat st {};
    if (::fstat(fd.get(), &st) == 0 && S_ISDIR(st.st_mode)) fail(path + ": cannot open: " + std::strerror(EISDIR));
    return fd;
}

struct FileBytes {
    std::vector<unsigned char> bytes;  // decompressed content
    bool stream_cut = false;           // gzip stream ended before its trailer
};

// A zlib stream, closed (with its file) when it goes out of scope.
struct GzClose {
    void operator()(gzFile_s* gz) const { ::gzclose(gz); }
};
using GzStream = std::unique_ptr<gzFile_s, GzClose>;

// Reads a whole file, decompressing it if it is gzipped. zlib's gz* functions
// pass raw files through unchanged, so one path serves both.
FileBytes read_maybe_gzipped(const std::string& path) {
    FileDescriptor fd = open_for_reading(path);
    GzStream gz(::gzdopen(fd.get(), "rb"));
    if (!gz) fail(path + ": cannot open: out of memory");
    fd.release();  // the stream owns it now
    // Grow with the data actually read, never with what a header claims, so
    // a corrupt header cannot trigger a huge allocation.
    FileBytes file;
    constexpr size_t kFirstChunk = size_t{1} << 16, kMaxChunk = size_t{1} << 30;  // gzread takes an unsigned
    for (;;) {
        const size_t used = file.bytes.size();
        const size_t chunk = std::clamp(used, kFirstChunk, kMaxChunk);  // doubling: few reads for a big file
        file.bytes.resize(used + chunk);
        const int got = ::gzread(gz.get(), file.bytes.data() + used, static_cast<unsigned>(chunk));
        if (got < 0) {
            int code = 0;
            std::string why = ::gzerror(gz.get(), &code);
            // zlib prefixes the name it was given, "<fd:3>" after gzdopen; we name the file ourselves.
            if (why.rfind("<fd:", 0) == 0 && why.find(": ") != std::string::npos) why.erase(0, why.find(": ") + 2);
            if (code == Z_ERRNO) fail(path + ": cannot read: " + why);
            fail(path + ": cannot read: " + why + " (corrupt gzip data); download the file again");
        }
        file.bytes.resize(used + static_cast<size_t>(got));
        if (got == 0) break;
    }
    int code = Z_OK;
    ::gzerror(gz.get(), &code);
    file.stream_cut = (code == Z_BUF_ERROR);
    return file;
}

// Header and size checks shared by image and label files; `kind` and `plural`
// ("image", "images") word the messages. The dimension count comes from the
// magic number's low byte, so images have 2 dims after the count, labels none.
struct IdxLayout {
    uint32_t count = 0;
    std::vector<uint32_t> dims;
    const unsigned char* payload = nullptr;
};

IdxLayout parse_idx(const std::string& path, const FileBytes& file, uint32_t want_magic, uint32_t other_magic,
                    const char* kind, const char* plural) {
    const auto& b = file.bytes;
    const size_t ndims = want_magic & 0xff;
    const size_t header = 4 + 4 * ndims;
    if (b.size() < 4)
        fail(path + ": file is too short for an IDX header (" + std::to_string(b.size()) +
             " bytes); pass an IDX " + kind + " file such as train-" + plural + "-idx" + std::to_string(ndims) +
             "-ubyte.gz");
    const uint32_t magic = be32(b.data());
    if (magic != want_magic) {
        const std::string advice = magic == other_magic
                                       ? "pass the images file first, then the labels file"
                                       : std::string("pass an IDX ") + kind + " file of unsigned bytes";
        fail(path + ": not an IDX " + kind + " file (magic number " + hex32(magic) + ", expected " +
             hex32(want_magic) + "); " + advice);
    }
    if (b.size() < header)
        fail(path + ": file is truncated: IDX " + kind + " header needs " + std::to_string(header) +
             " bytes, found " + std::to_string(b.size()) + " bytes");

    IdxLayout layout;
    layout.count = be32(b.data() + 4);
    uint64_t item = 1;  // bytes per item; each dim < 2^32 and at most 2 dims, so no overflow
    std::string shape;
    for (size_t i = 1; i < ndims; ++i) {
        const uint32_t dim = be32(b.data() + 4 + 4 * i);
        layout.dims.push_back(dim);
        item *= dim;
        shape += (i == 1 ? " of " : "x") + std::to_string(dim);
    }
    if (item == 0) fail(path + ": header says " + plural + shape + ", which are empty; the file is corrupt");
    const std::string described = std::to_string(layout.count) + " " + plural + shape;

    // count * item can exceed 64 bits with a corrupt header; compare by
    // division first so the check itself cannot overflow.
    const uint64_t available = b.size() - header;
    if (layout.count > available / item) {
        const bool huge = layout.count > (std::numeric_limits<uint64_t>::max() - header) / item;
        const std::string need = huge ? "more than 2^64" : std::to_string(header + layout.count * item);
        fail(path + ": file is truncated: header says " + described + " (" + need + " bytes), found " +
             std::to_string(b.size()) + " bytes");
    }
    const uint64_t need = header + layout.count * item;
    if (b.size() > need)
        fail(path + ": file is longer than its header says: header says " + described + " (" + std::to_string(need) +
             " bytes), found " + std::to_string(b.size()) + " bytes; the file is corrupt");
    if (file.stream_cut)
        fail(path + ": gzip stream is truncated (unexpected end of file); download the file again");
    if (layout.count == 0) fail(path + ": file holds no " + plural + "; pass a non-empty IDX " + kind + " file");
    layout.payload = b.data() + header;
    return layout;
}

bool file_exists(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

// Parses a whole field as a number. Uses from_chars because strtod follows
// the C locale, and a German locale would then reject "0.5".
enum class Parse { ok, not_number, not_finite, out_of_range };

Parse parse_number(const std::string& field, double& value) {
    const char* begin = field.data();
    const char* end = begin + field.size();
    // from_chars rejects a leading '+', which spreadsheets sometimes write.
    if (begin != end && *begin == '+' && end - begin > 1 && (begin[1] == '.' || (begin[1] >= '0' && begin[1] <= '9')))
        ++begin;
    const auto [ptr, ec] = std::from_chars(begin, end, value);
    if (ec == std::errc::result_out_of_range) return Parse::out_of_range;
    if (ec != std::errc() || ptr != end || begin == end) return Parse::not_number;
    if (!std::isfinite(value)) return Parse::not_finite;
    if (std::fabs(value) > std::numeric_limits<float>::max()) return Parse::out_of_range;
    return Parse::ok;
}

std::string trim(const std::string& s) {
    const size_t first = s.find_first_not_of(" \t\r");
    if (first == std::string::npos) return "";
    const size_t last = s.find_last_not_of(" \t\r");
    return s.substr(first, last - first + 1);
}

std::vector<std::string> split_fields(const std::string& line) {
    std::vector<std::string> fields;
    size_t start = 0;
    for (;;) {
        const size_t comma = line.find(',', start);
        fields.push_back(trim(line.substr(start, comma == std::string::npos ? std::string::npos : comma - start)));
        if (comma == std::string::npos) return fields;
        start = comma + 1;
    }
}

}  // namespace

int64_t Dataset::sample_size() const {
    int64_t n = 1;
    for (int64_t d : sample_shape) n *= d;
    return n;
}

Dataset load_idx(const std::string& images_path, const std::string& labels_path) {
    Dataset d;
    d.source = images_path;
    d.labels_source = labels_path;
    d.class_targets = true;
    {
        const FileBytes file = read_maybe_gzipped(images_path);
        const IdxLayout images = parse_idx(images_path, file, 0x00000803, 0x00000801, "image", "images");
        d.count = images.count;
        d.sample_shape = {images.dims[0], images.dims[1]};
        const size_t n = static_cast<size_t>(d.count) * static_cast<size_t>(d.sample_size());
        d.inputs.resize(n);
        for (size_t i = 0; i < n; ++i) d.inputs[i] = static_cast<float>(images.payload[i]) / 255.0f;
    }
    const FileBytes file = read_maybe_gzipped(labels_path);
    const IdxLayout labels = parse_idx(labels_path, file, 0x00000801, 0x00000803, "label", "labels");
    if (labels.count != d.count)
        fail(labels_path + ": holds " + std::to_string(labels.count) + " labels but " + images_path + " holds " +
             std::to_string(d.count) + " images; pass the labels file of the same split as the images");
    d.labels.assign(labels.payload, labels.payload + labels.count);
    return d;
}

Dataset load_idx_dir(const std::string& dir, const std::string& split) {
    if (split != "train" && split != "test")
        fail(dir + ": unknown split '" + printable(split) + "'; use 'train' or 'test'");
    struct stat st {};
    if (::stat(dir.c_str(), &st) != 0) fail(dir + ": cannot open: " + std::strerror(errno));
    if (!S_ISDIR(st.st_mode)) fail(dir + ": not a directory; pass the directory that holds the IDX files");

    const std::string prefix = (split == "train" ? "train" : "t10k");
    const auto pick = [&](const std::string& base) {
        const std::string raw = dir + "/" + base;
        if (file_exists(raw + ".gz")) return raw + ".gz";
        if (file_exists(raw)) return raw;
        fail(dir + ": neither " + base + ".gz nor " + base +
             " found; pass a directory laid out like /usr/share/datasets/fashion-mnist");
    };
    const std::string images = pick(prefix + "-images-idx3-ubyte");
    const std::string labels = pick(prefix + "-labels-idx1-ubyte");
    return load_idx(images, labels);
}

Dataset load_csv(const std::string& path, int64_t input_width, int64_t target_width, bool class_targets) {
    if (input_width <= 0) fail(path + ": the model's input width is " + std::to_string(input_width) + "; it must be positive");
    // target_width 0 reads inputs only (rows to predict on).
    if (!class_targets && target_width < 0)
        fail(path + ": the model's target width is " + std::to_string(target_width) + "; it must not be negative");

    Dataset d;
    d.source = path;
    d.labels_source = path;
    d.sample_shape = {input_width};
    d.class_targets = class_targets;
    d.target_width = class_targets ? 0 : target_width;
    const int64_t target_fields = class_targets ? 1 : target_width;
    const size_t want = static_cast<size_t>(input_width + target_fields);

    const std::string text = read_to_end(open_for_reading(path), path);
    bool first_row = true;
    int64_t line_no = 0;
    size_t pos = 0;
    while (pos < text.size()) {
        size_t eol = text.find('\n', pos);
        if (eol == std::string::npos) eol = text.size();
        const std::string line = trim(text.substr(pos, eol - pos));
        pos = eol + 1;
        ++line_no;
        if (line.empty() || line[0] == '#') continue;

        const std::string where = path + ":" + std::to_string(line_no) + ": ";
        const std::vector<std::string> fields = split_fields(line);
        if (first_row) {
            first_row = false;
            bool any_number = false;
            double ignored = 0;
            for (const auto& f : fields) any_number = any_number || parse_number(f, ignored) != Parse::not_number;
            if (!any_number) continue;  // a header row such as "x1,x2,label"
        }
        if (fields.size() != want && target_fields == 0)
            fail(where + "expected " + count_of(input_width, "field") + " (the model's inputs), found " +
                 std::to_string(fields.size()) + "; each row must hold just the model's inputs");
        if (fields.size() != want)
            fail(where + "expected " + std::to_string(want) + " fields (" + count_of(input_width, "input") + " + " +
                 count_of(target_fields, "target") + "), found " + std::to_string(fields.size()) +
                 "; each row must hold the model's inputs then its target");

        for (size_t i = 0; i < want; ++i) {
            double v = 0;
            const Parse p = parse_number(fields[i], v);
            const std::string field = "field " + std::to_string(i + 1) + " is '" + printable(fields[i]) + "', ";
            if (p == Parse::not_number) fail(where + field + "not a number");
            if (p == Parse::not_finite) fail(where + field + "not a finite number");
            if (p == Parse::out_of_range) fail(where + field + "out of range for a 32-bit float");
            const bool is_label = class_targets && i == want - 1;
            if (!is_label) {
                (i < static_cast<size_t>(input_width) ? d.inputs : d.targets).push_back(static_cast<float>(v));
                continue;
            }
            if (v != std::floor(v) || std::fabs(v) > std::numeric_limits<int32_t>::max())
                fail(where + field + "not a whole-number class index");
            d.labels.push_back(static_cast<int32_t>(v));
        }
        d.lines.push_back(line_no);
        ++d.count;
    }
    if (d.count == 0)
        fail(path + ": no data rows; each row must hold the model's inputs" + (target_fields ? " then its target" : ""));
    return d;
}

Dataset builtin_dataset(const std::string& name) {
    // Truth tables over the inputs 00, 01, 10, 11.
    struct Table {
        const char* name;
        float out[4];
    };
    static const Table tables[] = {{"and", {0, 0, 0, 1}}, {"or", {0, 1, 1, 1}}, {"xor", {0, 1, 1, 0}}};
    for (const Table& t : tables) {
        if (name != t.name) continue;
        Dataset d;
        d.source = "builtin." + name;
        d.labels_source = d.source;
        d.count = 4;
        d.sample_shape = {2};
        d.inputs = {0, 0, 0, 1, 1, 0, 1, 1};
        d.target_width = 1;
        d.targets.assign(t.out, t.out + 4);
        return d;
    }
    fail("unknown built-in dataset '" + printable(name) + "'; known ones: and, or, xor");
}

void check_labels(const Dataset& d, int64_t num_classes) {
    const std::string& file = d.labels_source.empty() ? d.source : d.labels_source;
    if (num_classes <= 0)
        fail(file + ": the model's target has " + std::to_string(num_classes) + " classes; it needs at least 1");
    if (!d.class_targets) return;
    for (size_t i = 0; i < d.labels.size(); ++i) {
        const int32_t label = d.labels[i];
        if (label >= 0 && label < num_classes) continue;
        const std::string where = d.lines.empty() ? ": record " + std::to_string(i + 1) + ": "
                                                  : ":" + std::to_string(d.lines[i]) + ": ";
        fail(file + where + "label " + std::to_string(label) + " is outside the " +
             std::to_string(num_classes) + " classes (0.." + std::to_string(num_classes - 1) +
             ") of the model's target");
    }
}

Dataset subset(const Dataset& d, const std::vector<int64_t>& index, const std::string& note) {
    Dataset out;
    out.source = d.source + note;
    out.labels_source = d.labels_source;
    out.count = static_cast<int64_t>(index.size());
    out.sample_shape = d.sample_shape;
    out.class_targets = d.class_targets;
    out.target_width = d.target_width;
    const int64_t n = d.sample_size();
    out.inputs.reserve(index.size() * static_cast<size_t>(n));
    for (int64_t i : index) {
        out.inputs.insert(out.inputs.end(), d.inputs.begin() + i * n, d.inputs.begin() + (i + 1) * n);
        if (!d.lines.empty()) out.lines.push_back(d.lines[static_cast<size_t>(i)]);
        if (!d.labels.empty()) out.labels.push_back(d.labels[static_cast<size_t>(i)]);
        if (!d.class_targets) out.targets.insert(out.targets.end(), d.targets.begin() + i * d.target_width,
                                d.targets.begin() + (i + 1) * d.target_width);
    }
    return out;
}

}  // namespace nnc::rt
