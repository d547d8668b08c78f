#include "runtime/file_io.h"

#include <cerrno>
#include <cstring>
#include <memory>

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

namespace nnc::rt {

FileDescriptor& FileDescriptor::operator=(FileDescriptor&& other) noexcept {
    if (this != &other) {
        close();
        fd_ = other.release();
    }
    return *this;
}

FileDescriptor::~FileDescriptor() { close(); }

int FileDescriptor::release() {
    const int fd = fd_;
    fd_ = -1;
    return fd;
}

int FileDescriptor::close() { return fd_ >= 0 ? ::close(release()) : 0; }

std::string read_to_end(FileDescriptor fd, const std::string& path) {
    std::string bytes;
    char buf[1 << 16];
    for (;;) {
        const ssize_t got = ::read(fd.get(), buf, sizeof buf);
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) throw DataError(path + ": cannot read: " + std::strerror(errno));
        if (got == 0) break;
        bytes.append(buf, static_cast<size_t>(got));
    }
    return bytes;
}

std::string read_whole_file(const std::string& path) {
    FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (fd.get() < 0) throw DataError(path + ": cannot open: " + std::strerror(errno));
    return read_to_end(std::move(fd), path);
}

namespace {

[[noreturn]] void fail(const std::string& message) { throw DataError(message); }

std::string directory_of(const std::string& path) {
    const size_t slash = path.find_last_of('/');
    if (slash == std::string::npos) return ".";
    if (slash == 0) return "/";
    return path.substr(0, slash);
}

}  // namespace

AtomicFile::AtomicFile(const std::string& path)
    : path_(path),
      tmp_(path + ".tmp-" + std::to_string(::getpid())),
      fd_(::open(tmp_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) {
    if (fd_.get() < 0) fail(path_ + ": cannot save: cannot create " + tmp_ + ": " + std::strerror(errno));
}

AtomicFile::~AtomicFile() {
    fd_.close();
    if (!committed_) ::unlink(tmp_.c_str());
}

// A full disk (ENOSPC), a file-size limit (EFBIG): PATH itself was never
// touched, and the message says so.
void AtomicFile::fail_before_commit(const char* doing) const {
    const int err = errno;  // before building the message can change it
    fail(path_ + ": cannot save: " + doing + " " + tmp_ + " failed: " + std::strerror(err) + "; " + path_ +
         " is left as it was");
}

void AtomicFile::write(const void* data, size_t n) {
    const auto* p = static_cast<const unsigned char*>(data);
    while (n > 0) {
        const ssize_t put = ::write(fd_.get(), p, n);
        if (put < 0 && errno == EINTR) continue;
        if (put < 0) fail_before_commit("writing");
        p += put;
        n -= static_cast<size_t>(put);
    }
}

void AtomicFile::commit() {
    // fsync before rename: otherwise a crash can leave PATH naming a file
    // whose data never reached the disk.
    if (::fsync(fd_.get()) != 0) fail_before_commit("syncing");  // a full disk may show only here
    if (fd_.close() != 0) fail_before_commit("closing");
    if (::rename(tmp_.c_str(), path_.c_str()) != 0)
        fail(path_ + ": cannot save: cannot replace it with " + tmp_ + ": " + std::strerror(errno) +
             "; remove it or choose another path");
    committed_ = true;
    remove_stale_temporaries();

    // The rename itself is only durable once the directory is synced. PATH is
    // already replaced here, so a failure is reported but nothing is undone.
    const std::string dir = directory_of(path_);
    FileDescriptor dfd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (dfd.get() < 0) fail(path_ + ": saved, but cannot open directory " + dir + " to sync it: " + std::strerror(errno));
    const int rc = ::fsync(dfd.get());
    const int err = errno;
    dfd.close();
    // Some filesystems cannot sync directories (EINVAL); nothing more can be done there.
    if (rc != 0 && err != EINVAL)
        fail(path_ + ": saved, but syncing directory " + dir + " failed: " + std::strerror(err));
}

// A save killed before its rename (SIGKILL, a power cut) leaves its
// PATH.tmp-<pid> behind. The next save of PATH removes those whose process
// is gone, so killed runs do not fill the directory with them.
void AtomicFile::remove_stale_temporaries() const {
    const std::string dir = directory_of(path_);
    const std::string prefix = path_.substr(path_.find_last_of('/') + 1) + ".tmp-";
    std::unique_ptr<DIR, int (*)(DIR*)> d(::opendir(dir.c_str()), ::closedir);
    if (!d) return;  // nothing to tidy is no failure of the save
    while (const dirent* entry = ::readdir(d.get())) {
        const std::string name = entry->d_name;
        if (name.compare(0, prefix.size(), prefix) != 0) continue;
        const std::string pid_text = name.substr(prefix.size());
        if (pid_text.empty() || pid_text.find_first_not_of("0123456789") != std::string::npos || pid_text.size() > 9)
            continue;
        const pid_t pid = static_cast<pid_t>(std::stol(pid_text));
        if (pid != ::getpid() && ::kill(pid, 0) != 0 && errno == ESRCH) ::unlink((dir + "/" + name).c_str());
    }
}

void check_can_save(const std::string& path) { AtomicFile probe(path); }

void write_file_atomically(const std::string& path, const std::string& text) {
    AtomicFile out(path);
    out.write(text.data(), text.size());
    out.commit();
}

}  // namespace nnc::rt
