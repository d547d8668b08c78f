#include "runtime/plot.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>

namespace nnc::rt {
namespace {

std::string fmt(const char* format, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

std::string escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else if (c == '&') out += "&amp;";
    else out += c;
  }
  return out;
}

bool present(double v) { return std::isfinite(v) && v >= 0; }

struct Series {
  std::string label, color;
  std::function<double(const EpochRecord&)> value;
};

// One panel: axes, ticks, and a polyline per series with points present.
std::string panel(double left, double top, double width, double height, const std::string& title,
                  const std::vector<EpochRecord>& history, const std::vector<Series>& series) {
  double lo = INFINITY, hi = -INFINITY;
  for (const Series& s : series)
    for (const EpochRecord& r : history)
      if (present(s.value(r))) lo = std::min(lo, s.value(r)), hi = std::max(hi, s.value(r));
  if (!std::isfinite(lo)) lo = 0, hi = 1;
  if (hi - lo < 1e-9) hi = lo + 1;
  const double first = history.empty() ? 1 : double(history.front().epoch);
  const double last = history.empty() ? 1 : double(history.back().epoch);
  auto x_of = [&](double epoch) { return left + (last > first ? (epoch - first) / (last - first) : 0.5) * width; };
  auto y_of = [&](double v) { return top + height - (v - lo) / (hi - lo) * height; };

  std::string s = "<text x='" + fmt("%.1f", left + width / 2) + "' y='" + fmt("%.1f", top - 10) +
                  "' text-anchor='middle' font-weight='bold'>" + escape(title) + "</text>\n";
  s += "<rect x='" + fmt("%.1f", left) + "' y='" + fmt("%.1f", top) + "' width='" + fmt("%.1f", width) +
       "' height='" + fmt("%.1f", height) + "' fill='none' stroke='#444'/>\n";
  for (int k = 0; k <= 4; ++k) {
    const double v = lo + (hi - lo) * k / 4, y = y_of(v);
    s += "<text x='" + fmt("%.1f", left - 6) + "' y='" + fmt("%.1f", y + 4) + "' text-anchor='end'>" +
         fmt("%.3g", v) + "</text>\n";
    s += "<line x1='" + fmt("%.1f", left) + "' x2='" + fmt("%.1f", left + width) + "' y1='" + fmt("%.1f", y) +
         "' y2='" + fmt("%.1f", y) + "' stroke='#ddd'/>\n";
  }
  for (const EpochRecord& r : history)
    s += "<text x='" + fmt("%.1f", x_of(double(r.epoch))) + "' y='" + fmt("%.1f", top + height + 16) +
         "' text-anchor='middle'>" + std::to_string(r.epoch) + "</text>\n";
  s += "<text x='" + fmt("%.1f", left + width / 2) + "' y='" + fmt("%.1f", top + height + 34) +
       "' text-anchor='middle'>epoch</text>\n";
  double legend_y = top + 14;
  for (const Series& line : series) {
    std::string points;
    for (const EpochRecord& r : history)
      if (present(line.value(r)))
        points += fmt("%.1f", x_of(double(r.epoch))) + "," + fmt("%.1f", y_of(line.value(r))) + " ";
    if (points.empty()) continue;
    s += "<polyline fill='none' stroke='" + line.color + "' stroke-width='2' points='" + points + "'/>\n";
    s += "<text x='" + fmt("%.1f", left + width - 8) + "' y='" + fmt("%.1f", legend_y) + "' text-anchor='end' fill='" +
         line.color + "'>" + line.label + "</text>\n";
    legend_y += 16;
  }
  return s;
}

std::string svg_document(double width, double height, const std::string& body) {
  return "<svg xmlns='http://www.w3.org/2000/svg' width='" + fmt("%.0f", width) + "' height='" + fmt("%.0f", height) +
         "' font-family='sans-serif' font-size='12'>\n<rect width='100%' height='100%' fill='white'/>\n" + body +
         "</svg>\n";
}

}  // namespace

std::string training_curves_svg(const std::string& title, const std::vector<EpochRecord>& history) {
  std::string body = "<text x='440' y='22' text-anchor='middle' font-size='15'>" + escape(title) + "</text>\n";
  body += panel(70, 60, 330, 260, "loss", history,
                {{"training", "#1f77b4", [](const EpochRecord& r) { return r.loss; }},
                 {"validation", "#d62728", [](const EpochRecord& r) { return r.val_loss; }}});
  body += panel(500, 60, 330, 260, "accuracy", history,
                {{"training", "#1f77b4", [](const EpochRecord& r) { return r.accuracy; }},
                 {"validation", "#d62728", [](const EpochRecord& r) { return r.val_accuracy; }}});
  return svg_document(880, 370, body);
}

std::string confusion_svg(const std::string& title, const Confusion& c) {
  const int64_t n = c.classes();
  const double cell = std::max(24.0, 400.0 / double(std::max<int64_t>(n, 1))), left = 80, top = 70;
  int64_t largest = 1;
  for (int64_t a = 0; a < n; ++a)
    for (int64_t p = 0; p < n; ++p) largest = std::max(largest, c.count(a, p));
  std::string body = "<text x='" + fmt("%.1f", left + cell * double(n) / 2) + "' y='24' text-anchor='middle' font-size='15'>" +
                     escape(title) + "</text>\n";
  body += "<text x='" + fmt("%.1f", left + cell * double(n) / 2) + "' y='" + fmt("%.1f", top - 28) +
          "' text-anchor='middle'>predicted class</text>\n";
  body += "<text x='20' y='" + fmt("%.1f", top + cell * double(n) / 2) + "' text-anchor='middle' transform='rotate(-90 20 " +
          fmt("%.1f", top + cell * double(n) / 2) + ")'>actual class</text>\n";
  for (int64_t k = 0; k < n; ++k) {
    body += "<text x='" + fmt("%.1f", left + cell * (double(k) + 0.5)) + "' y='" + fmt("%.1f", top - 8) +
            "' text-anchor='middle'>" + std::to_string(k) + "</text>\n";
    body += "<text x='" + fmt("%.1f", left - 8) + "' y='" + fmt("%.1f", top + cell * (double(k) + 0.5) + 4) +
            "' text-anchor='end'>" + std::to_string(k) + "</text>\n";
  }
  for (int64_t a = 0; a < n; ++a)
    for (int64_t p = 0; p < n; ++p) {
      const double shade = double(c.count(a, p)) / double(largest);
      const int level = int(std::lround(255 * (1 - shade)));
      const std::string fill = "rgb(" + std::to_string(level) + "," + std::to_string(level) + ",255)";
      const double x = left + cell * double(p), y = top + cell * double(a);
      body += "<rect x='" + fmt("%.1f", x) + "' y='" + fmt("%.1f", y) + "' width='" + fmt("%.1f", cell) + "' height='" +
              fmt("%.1f", cell) + "' fill='" + fill + "' stroke='#888'/>\n";
      body += "<text x='" + fmt("%.1f", x + cell / 2) + "' y='" + fmt("%.1f", y + cell / 2 + 4) +
              "' text-anchor='middle' font-size='10' fill='" + (shade > 0.5 ? "white" : "black") + "'>" +
              std::to_string(c.count(a, p)) + "</text>\n";
    }
  return svg_document(left + cell * double(n) + 30, top + cell * double(n) + 30, body);
}

}  // namespace nnc::rt
