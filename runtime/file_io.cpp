#include "runtime/file_io.h"

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <unistd.h>

namespace nnc::rt {

std::string read_to_end(int fd, const std::string& path) {
    std::string bytes;
    char buf[1 << 16];
    for (;;) {
        const ssize_t got = ::read(fd, buf, sizeof buf);
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) {
            const int err = errno;
            ::close(fd);
            throw DataError(path + ": cannot read: " + std::strerror(err));
        }
        if (got == 0) break;
        bytes.append(buf, static_cast<size_t>(got));
    }
    ::close(fd);
    return bytes;
}

std::string read_whole_file(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw DataError(path + ": cannot open: " + std::strerror(errno));
    return read_to_end(fd, path);
}

}  // namespace nnc::rt
