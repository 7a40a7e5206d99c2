#include "http/ask_deadlines.hpp"

#include "http/http_reply.hpp"

namespace auralis::http {

ask_ticket_ptr ask_deadlines::open(std::shared_ptr<http_responder> responder,
                                   clock::time_point now) {
  while (!pending_.empty() && !pending_.front().second->open())
    pending_.pop_front();
  auto ticket = std::make_shared<ask_ticket>(std::move(responder));
  pending_.emplace_back(now + timeout_, ticket);
  return ticket;
}

std::optional<ask_deadlines::clock::time_point> ask_deadlines::sweep(clock::time_point now) {
  while (!pending_.empty()) {
    auto& [due, ticket] = pending_.front();
    if (ticket->open()) {
      if (due > now)
        return due;
      auto responder = ticket->responder();
      ticket->close();
      ++expired_;
      reply_detail(*responder, 503, "the engine did not answer in time", default_retry_after_s);
    }
    pending_.pop_front();
  }
  return std::nullopt;
}

} // namespace auralis::http
