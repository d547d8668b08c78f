// A checkpoint's progress entries (runtime/run_state.cpp): written and read
// back exactly, and every damaged entry refused by name.
#include <gtest/gtest.h>

#include "runtime/engine.h"

namespace {

using namespace nnc::rt;

RunState sample_state() {
  RunState st;
  st.epochs_done = 2, st.next_sample = 640, st.steps = 97, st.correct = 512;
  st.order_rng = {1, 2, 3, 0xffffffffffffffffull};
  st.loss_sum = 0.1 + 0.2;  // not a short decimal: "%a" must keep it exactly
  st.result.best_val_loss = INFINITY, st.result.best_epoch = 0;
  st.result.history = {{1, 0.5, 0.75, NAN, NAN}, {2, 0.25, 0.875, NAN, NAN}};
  return st;
}

TensorFile file_of(const RunState& st) {
  TensorFile f;
  f.metadata = run_state_metadata(st);
  return f;
}

std::string error_of(const TensorFile& f) {
  try {
    run_state_of(f, "c.ckpt");
  } catch (const DataError& e) {
    return e.what();
  }
  return "";
}

TEST(RunState, ReadsBackWhatItWrote) {
  const RunState st = sample_state();
  const RunState back = run_state_of(file_of(st), "c.ckpt");
  EXPECT_EQ(back.epochs_done, 2);
  EXPECT_EQ(back.next_sample, 640);
  EXPECT_EQ(back.steps, 97);
  EXPECT_EQ(back.correct, 512);
  EXPECT_EQ(back.order_rng, st.order_rng);
  EXPECT_EQ(back.loss_sum, st.loss_sum);  // bit for bit
  EXPECT_EQ(back.result.best_val_loss, INFINITY);
  ASSERT_EQ(back.result.history.size(), 2u);
  EXPECT_EQ(back.result.history[1].epoch, 2);
  EXPECT_EQ(back.result.history[1].accuracy, 0.875);
  EXPECT_TRUE(std::isnan(back.result.history[1].val_loss));
}

TEST(RunState, DamagedEntriesAreNamed) {
  const auto damaged = [](const std::string& key, const std::string& value) {
    TensorFile f = file_of(sample_state());
    f.metadata["nnc." + key] = value;
    return error_of(f);
  };
  const std::string tail = "'); resume from an earlier checkpoint";
  EXPECT_EQ(damaged("next_sample", "-5"), "c.ckpt: the checkpoint's entry nnc.next_sample is damaged ('-5" + tail);
  EXPECT_EQ(damaged("steps", "12abc"), "c.ckpt: the checkpoint's entry nnc.steps is damaged ('12abc" + tail);
  EXPECT_EQ(damaged("epochs_done", ""), "c.ckpt: the checkpoint's entry nnc.epochs_done is damaged ('" + tail);
  EXPECT_EQ(damaged("loss_sum", "nan"), "c.ckpt: the checkpoint's entry nnc.loss_sum is damaged ('nan" + tail);
  EXPECT_EQ(damaged("loss_sum", "inf"), "c.ckpt: the checkpoint's entry nnc.loss_sum is damaged ('inf" + tail);
  EXPECT_EQ(damaged("order_rng", "0 0 0 0"), "c.ckpt: the checkpoint's entry nnc.order_rng is damaged ('0 0 0 0" + tail);
  EXPECT_EQ(damaged("order_rng", "1 2 3"), "c.ckpt: the checkpoint's entry nnc.order_rng is damaged ('1 2 3" + tail);
  EXPECT_EQ(damaged("best_epoch", "3"), "c.ckpt: the checkpoint's entry nnc.best_epoch is damaged ('3" + tail);
  EXPECT_EQ(damaged("history", "1 0.5 0.75 null"),
            "c.ckpt: the checkpoint's entry nnc.history is damaged ('1 0.5 0.75 null" + tail);
  EXPECT_EQ(damaged("history", "1 x 0.75 null null"), "c.ckpt: the checkpoint's entry nnc.history is damaged ('x" + tail);
  // More epochs recorded than done.
  EXPECT_EQ(damaged("history", "1 1 1 1 1;2 1 1 1 1;3 1 1 1 1"),
            "c.ckpt: the checkpoint's entry nnc.history is damaged ('3 1 1 1 1" + tail);
  EXPECT_EQ(damaged("steps", std::string("7\x1b", 2)),
            "c.ckpt: the checkpoint's entry nnc.steps is damaged ('7\\x1b" + tail);
}

TEST(RunState, AMissingEntryMeansNotACheckpoint) {
  TensorFile f = file_of(sample_state());
  f.metadata.erase("nnc.steps");
  EXPECT_EQ(error_of(f), "c.ckpt: not a checkpoint (no nnc.steps); checkpoints are written by train --checkpoint");
}

}  // namespace
