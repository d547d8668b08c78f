// Reading whole files for the runtime's loaders (datasets, checkpoints). A
// failure is a DataError naming the file: "PATH: cannot open: <reason>" or
// "PATH: cannot read: <reason>".
#pragma once

#include <string>

#include "runtime/dataset.h"  // DataError

namespace nnc::rt {

// An open file descriptor, closed when it goes out of scope (or handed on
// with release()).
class FileDescriptor {
public:
    explicit FileDescriptor(int fd = -1) : fd_(fd) {}
    FileDescriptor(FileDescriptor&& other) noexcept : fd_(other.release()) {}
    FileDescriptor& operator=(FileDescriptor&& other) noexcept;
    FileDescriptor(const FileDescriptor&) = delete;
    FileDescriptor& operator=(const FileDescriptor&) = delete;
    ~FileDescriptor();
    int get() const { return fd_; }
    int release();
    // Closes it now; the result of close(2), whose failure can mean lost data.
    int close();

private:
    int fd_;
};

// Reads FD to its end and closes it; PATH names the file in the error.
std::string read_to_end(FileDescriptor fd, const std::string& path);

// Opens PATH read-only and reads it whole.
std::string read_whole_file(const std::string& path);

// Writes PATH atomically: into PATH.tmp-<pid> in the same directory, then
// commit() syncs it, renames it over PATH and syncs the directory. Until
// commit() PATH is untouched; destroyed uncommitted, the temp file is
// removed; committed, so are the temp files of killed saves of PATH.
// Failures are DataErrors: "PATH: cannot save: ...".
class AtomicFile {
public:
    explicit AtomicFile(const std::string& path);
    AtomicFile(const AtomicFile&) = delete;
    AtomicFile& operator=(const AtomicFile&) = delete;
    ~AtomicFile();
    void write(const void* data, size_t size);
    void commit();

private:
    [[noreturn]] void fail_before_commit(const char* doing) const;
    void remove_stale_temporaries() const;
    std::string path_, tmp_;
    FileDescriptor fd_;
    bool committed_ = false;
};

// Whether PATH can be saved: its temporary file is created and removed, as
// a save would, so a missing or read-only directory is a DataError now, not
// after an hour of training.
void check_can_save(const std::string& path);

// A whole small file (a plot, a report) through AtomicFile.
void write_file_atomically(const std::string& path, const std::string& text);

}  // namespace nnc::rt
