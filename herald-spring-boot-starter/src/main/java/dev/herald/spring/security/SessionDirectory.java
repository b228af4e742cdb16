package dev.herald.spring.security;

import jakarta.servlet.http.HttpSession;
import jakarta.servlet.http.HttpSessionEvent;
import jakarta.servlet.http.HttpSessionIdListener;
import jakarta.servlet.http.HttpSessionListener;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The application's live HTTP sessions by id, so the hub can find the session a forwarded cookie
 * names: kept by the servlet container's session events (created, id changed at login, destroyed),
 * so it holds exactly the sessions the container holds. Called by the container's threads and read
 * by the hub's decision threads; safe from any thread.
 */
final class SessionDirectory implements HttpSessionListener, HttpSessionIdListener {

  private final Map<String, HttpSession> sessions = new ConcurrentHashMap<>();

  @Override
  public void sessionCreated(HttpSessionEvent event) {
    sessions.put(event.getSession().getId(), event.getSession());
  }

  @Override
  public void sessionIdChanged(HttpSessionEvent event, String oldSessionId) {
    sessions.remove(oldSessionId);
    sessions.put(event.getSession().getId(), event.getSession());
  }

  @Override
  public void sessionDestroyed(HttpSessionEvent event) {
    sessions.remove(event.getSession().getId());
  }

  /** The live session of that id, or null. */
  HttpSession find(String id) {
    return id == null ? null : sessions.get(id);
  }
}
