#include "runtime/progress.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>

using nnc::rt::Progress;

namespace {

// Captures what Progress writes, through a real FILE* as in production.
class Capture {
public:
    std::FILE* file() const { return file_.get(); }
    // Everything written since the last call.
    std::string take() {
        std::FILE* f = file();
        std::fflush(f);
        const long end = std::ftell(f);
        std::string text(static_cast<size_t>(end - taken_), '\0');
        std::fseek(f, taken_, SEEK_SET);
        const size_t got = std::fread(text.data(), 1, text.size(), f);
        text.resize(got);
        std::fseek(f, end, SEEK_SET);
        taken_ = end;
        return text;
    }

private:
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> file_{std::tmpfile(), &std::fclose};
    long taken_ = 0;
};

bool starts_with(const std::string& s, const std::string& prefix) { return s.compare(0, prefix.size(), prefix) == 0; }
bool ends_with(const std::string& s, const std::string& suffix) {
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

void wait_past_redraw_interval() { std::this_thread::sleep_for(std::chrono::milliseconds(150)); }

TEST(Progress, PlainModePrintsOneLinePerEpoch) {
    Capture out;
    Progress p(out.file(), false);
    p.begin_epoch(3, 5, 60000);
    p.update(1000, 0.9, 0.5);
    wait_past_redraw_interval();
    p.update(30000, 0.6, 0.7);
    EXPECT_EQ(out.take(), "");
    p.end_epoch(0.4321, 0.8765, 12.34, "test_acc 0.8712");
    EXPECT_EQ(out.take(), "epoch 3/5  loss 0.432100  acc 0.8765  12.34 s  4862 samples/s  test_acc 0.8712\n");

    p.begin_epoch(4, 5, 100);
    p.end_epoch(0.5, -1, 0.5, "");
    EXPECT_EQ(out.take(), "epoch 4/5  loss 0.500000  0.50 s  200 samples/s\n");
}

TEST(Progress, InteractiveRedrawsOneLineAtMostTenTimesASecond) {
    Capture out;
    Progress p(out.file(), true);
    p.begin_epoch(3, 5, 60000);
    p.update(31232, 0.4321, 0.8765);
    const std::string first = out.take();
    EXPECT_TRUE(starts_with(first, "\repoch 3/5 [##########..........]  31232/60000  loss 0.4321  acc 0.8765  "))
        << first;
    EXPECT_TRUE(ends_with(first, " samples/s")) << first;
    EXPECT_EQ(first.find('\n'), std::string::npos);

    p.update(31300, 0.4, 0.8);  // too soon: nothing drawn
    EXPECT_EQ(out.take(), "");

    wait_past_redraw_interval();
    p.update(1232, 0.5, -1);  // shorter line: count padded, no acc, old tail blanked
    const std::string second = out.take();
    EXPECT_TRUE(starts_with(second, "\repoch 3/5 [....................]   1232/60000  loss 0.5000  ")) << second;
    EXPECT_EQ(second.find("acc"), std::string::npos) << second;
    EXPECT_EQ(second.size(), first.size()) << "the longer previous line must be overwritten with spaces";
    EXPECT_TRUE(ends_with(second, std::string(first.size() - second.find_last_not_of(' ') - 1, ' ')));

    p.end_epoch(0.4321, 0.8765, 12.34, "test_acc 0.8712");
    EXPECT_EQ(out.take(),
              "\repoch 3/5 [####################]  60000/60000  loss 0.4321  acc 0.8765  4862 samples/s  12.34 s"
              "  test_acc 0.8712\n");

    // The next epoch starts fresh: its first update draws immediately.
    p.begin_epoch(4, 5, 60000);
    p.update(10, 0.1, -1);
    EXPECT_TRUE(starts_with(out.take(), "\repoch 4/5 ["));
}

TEST(Progress, InteractiveEndWithoutUpdates) {
    Capture out;
    Progress p(out.file(), true);
    p.begin_epoch(1, 1, 4);
    p.end_epoch(0.25, -1, 2.0, "");
    EXPECT_EQ(out.take(), "\repoch 1/1 [####################]  4/4  loss 0.2500  2 samples/s  2.00 s\n");
}

}  // namespace
