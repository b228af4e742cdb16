package dev.herald.core.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.core.Event;
import dev.herald.core.Update;
import dev.herald.core.topic.TopicSelector;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The index answers what a scan of every selector answers, on random templates, exact selectors
 * and topics drawn from a small alphabet (so that prefixes collide and many topics match), with
 * selectors added and removed between lookups so the per-topic cache must follow.
 */
class SelectorIndexTest {

  private static final String[] LITERALS = {"a", "b", "/", "x/", "https://h/", "%41", ":", ""};
  private static final String[] EXPRESSIONS = {
    "{v}", "{+r}", "{#f}", "{.l}", "{/p}", "{;m}", "{?q}", "{&c}", "{v,w}", "{/p*}", "{v:2}"
  };
  private static final String[] TOPIC_PARTS = {
    "a", "b", "/", "x/", "https://h/", "%41", ":", ".", "?q=", "&c=", "#", ";m", "=", ",", "1"
  };

  private static String randomTemplate(Random random) {
    StringBuilder out = new StringBuilder();
    int parts = 1 + random.nextInt(5);
    boolean expression = false;
    for (int i = 0; i < parts; i++) {
      if (random.nextInt(3) == 0) {
        out.append(EXPRESSIONS[random.nextInt(EXPRESSIONS.length)]);
        expression = true;
      } else {
        out.append(LITERALS[random.nextInt(LITERALS.length)]);
      }
    }
    if (!expression || random.nextInt(8) == 0) {
      out.append(EXPRESSIONS[random.nextInt(EXPRESSIONS.length)]);
    }
    return out.toString();
  }

  private static String randomSelector(Random random) {
    return switch (random.nextInt(6)) {
      case 0 -> randomTopic(random); // exact (or a template, if it happens to hold braces)
      default -> randomTemplate(random);
    };
  }

  private static String randomTopic(Random random) {
    StringBuilder out = new StringBuilder();
    int parts = random.nextInt(7);
    for (int i = 0; i < parts; i++) {
      out.append(TOPIC_PARTS[random.nextInt(TOPIC_PARTS.length)]);
    }
    return out.toString().isEmpty() ? "a" : out.toString();
  }

  private static Set<String> scan(Map<String, TopicSelector> selectors, String topic) {
    Set<String> out = new HashSet<>();
    for (TopicSelector selector : selectors.values()) {
      if (selector.matches(topic)) {
        out.add(selector.raw());
      }
    }
    return out;
  }

  @Test
  void indexAnswersWhatAScanAnswers() {
    for (long seed = 0; seed < 40; seed++) {
      Random random = new Random(seed);
      SelectorIndex<String> index = new SelectorIndex<>();
      Map<String, TopicSelector> filed = new LinkedHashMap<>();
      List<String> topics = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        topics.add(randomTopic(random));
      }
      int matched = 0;
      for (int step = 0; step < 600; step++) {
        int action = random.nextInt(10);
        if (action < 3) {
          TopicSelector selector = TopicSelector.of(randomSelector(random));
          if (!selector.isExact() && !filed.containsKey(selector.raw())) {
            index.put(selector, selector.raw());
            filed.put(selector.raw(), selector);
          }
        } else if (action < 4 && !filed.isEmpty()) {
          String victim = new ArrayList<>(filed.keySet()).get(random.nextInt(filed.size()));
          assertThat(index.remove(filed.get(victim))).isTrue();
          filed.remove(victim);
        } else {
          // Topics repeat, so some lookups are answered by the cache.
          String topic = random.nextBoolean() ? topics.get(random.nextInt(topics.size()))
              : randomTopic(random);
          Set<String> expected = scan(filed, topic);
          assertThat(new HashSet<>(index.matching(topic)))
              .as("seed %d, topic %s, selectors %s", seed, topic, filed.keySet())
              .isEqualTo(expected);
          matched += expected.size();
        }
      }
      assertThat(index.size()).isEqualTo(filed.size());
      assertThat(matched).as("seed %d: the generator must produce matches", seed).isPositive();
    }
  }

  @Test
  void aUrlPatternWrittenLikeATemplateIsFiledApart() {
    SelectorIndex<String> index = new SelectorIndex<>();
    String raw = "https://example.com/books/{id}";
    index.put(TopicSelector.of(raw), "template");
    index.put(TopicSelector.urlPattern(raw, "https://example.com/.well-known/mercure"), "pattern");
    // To the template {id} is a variable; to the URL pattern it is a group holding the text "id".
    assertThat(index.matching("https://example.com/books/1")).containsExactly("template");
    assertThat(index.size()).isEqualTo(2);
  }

  @Test
  void aTemplateWhosePrefixDiffersIsNeverEvaluated() {
    SelectorIndex<String> index = new SelectorIndex<>();
    // A template that would take its whole step budget on the topic below, were it evaluated.
    TopicSelector hostile = TopicSelector.of("https://other/" + "{a}{b}{c}{d}{e}{f}".repeat(20) + "!");
    index.put(hostile, "hostile");
    TopicSelector books = TopicSelector.of("https://example.com/books/{id}");
    index.put(books, "books");
    assertThat(index.matching("https://example.com/books/1")).containsExactly("books");
    assertThat(index.matching("https://other/" + "a".repeat(200))).isEmpty();
    assertThat(index.remove(books)).isTrue();
    assertThat(index.matching("https://example.com/books/1")).isEmpty();
    assertThat(index.remove(TopicSelector.of("https://example.com/books/{id}"))).isFalse();
  }

  @Test
  void aSubscriberMatchedTwiceIsOfferedTheEventOnce() {
    SubscriberIndex index = new SubscriberIndex();
    Subscriber subscriber = new Subscriber("s",
        List.of(TopicSelector.of("https://h/{a}"), TopicSelector.of("https://h/{b}"),
            TopicSelector.of("https://h/x")),
        List.of(), null, 64, () -> {});
    Subscriber other = new Subscriber("o", List.of(TopicSelector.of("https://g/{a}")),
        List.of(), null, 64, () -> {});
    index.add(subscriber);
    index.add(other);
    Update update = new Update(List.of("https://h/x", "https://h/y"), "d", false, "id", null, null);
    assertThat(index.dispatch(new Event(1, update, new byte[0]))).isEqualTo(1);
    List<String> received = new ArrayList<>();
    subscriber.drainTo(event -> received.add(event.id()), 10);
    assertThat(received).containsExactly("id");
    assertThat(index.remove(subscriber)).isTrue();
    assertThat(index.dispatch(new Event(2, update, new byte[0]))).isZero();
  }
}
