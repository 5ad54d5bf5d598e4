// HTML/JSON helpers for the daemons' status pages. A page is a static shell (this
// file's layout, style and script, embedded in the binary: the pages work offline)
// whose own script fetches /api/... JSON and renders it, refreshing in place.
//
// The page script library `hl` (see page.cc) builds DOM nodes with textContent only,
// so a user-controlled string (a path, a job name, a log line) can never become
// markup: hl.el("td", {}, path). Use it rather than innerHTML.
#ifndef HAYLOFT_COMMON_WEB_PAGE_H_
#define HAYLOFT_COMMON_WEB_PAGE_H_

#include <httplib.h>

#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"

namespace hayloft::web {

struct PageOptions {
  std::string title;       // e.g. "Overview"
  std::string daemon;      // e.g. "Namenode 127.0.0.1:8020"
  // Navigation links (href, label), shown on every page of the daemon.
  std::vector<std::pair<std::string, std::string>> nav;
  std::string body_html;   // static markup only: containers the script fills
  std::string script;      // page script; runs after the `hl` library is loaded
};

// A complete HTML document.
std::string RenderPage(const PageOptions& page);

// Escapes &, <, >, " and ' for HTML text and attribute values.
std::string HtmlEscape(absl::string_view text);

void SendJson(httplib::Response& res, const nlohmann::json& body, int status = 200);
void SendPage(httplib::Response& res, const PageOptions& page);

}  // namespace hayloft::web

#endif  // HAYLOFT_COMMON_WEB_PAGE_H_
