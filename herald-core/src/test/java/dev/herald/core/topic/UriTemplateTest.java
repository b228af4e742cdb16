package dev.herald.core.topic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class UriTemplateTest {

  /** One pair per line: a template, whitespace, then a string it must match. */
  private static Stream<Arguments> pairs(String lines) {
    return lines.lines().map(line -> line.trim().split("\\s+")).map(p -> Arguments.of(p[0], p[1]));
  }

  static Stream<Arguments> matching() {
    return pairs(
        """
        https://example.com/books/{id}            https://example.com/books/1
        https://example.com/books/{id}            https://example.com/books/abc%20d
        https://example.com/books/{id}            https://example.com/books/
        https://example.com/users/foo/{?topic}    https://example.com/users/foo/?topic=https%3A%2F%2Fexample.com%2Fbooks%2F1
        https://example.com/users/foo/{?topic}    https://example.com/users/foo/
        {+path}/here                              /foo/bar/here
        X{.x,y}                                   X.1024.768
        {/list*}                                  /red/green/blue
        {?x,y}                                    ?x=1&y=2
        {?x,y}                                    ?x=1
        {?x,y}                                    ?y=2
        {#frag}                                   #a/b
        {;x,y}                                    ;x=1;y
        {var:3}                                   val
        {var:1}                                   %C3%A9
        https://example.com/{a}/{b}               https://example.com/1/2
        https://example.com/{a}/{b}               https://example.com//
        https://example.com/static                https://example.com/static
        """);
  }

  /** Every expansion example of RFC 6570 section 3.2 (levels 1 to 4). */
  static Stream<Arguments> rfc6570Examples() {
    return pairs(
        """
        {var}                 value
        {hello}               Hello%20World%21
        {half}                50%25
        O{empty}X             OX
        O{undef}X             OX
        {x,y}                 1024,768
        {x,hello,y}           1024,Hello%20World%21,768
        ?{x,empty}            ?1024,
        ?{x,undef}            ?1024
        ?{undef,y}            ?768
        {var:3}               val
        {var:30}              value
        {list}                red,green,blue
        {list*}               red,green,blue
        {keys}                semi,%3B,dot,.,comma,%2C
        {keys*}               semi=%3B,dot=.,comma=%2C
        {+var}                value
        {+hello}              Hello%20World!
        {+half}               50%25
        {base}index           http%3A%2F%2Fexample.com%2Fhome%2Findex
        {+base}index          http://example.com/home/index
        O{+empty}X            OX
        O{+undef}X            OX
        {+path}/here          /foo/bar/here
        here?ref={+path}      here?ref=/foo/bar
        up{+path}{var}/here   up/foo/barvalue/here
        {+x,hello,y}          1024,Hello%20World!,768
        {+path,x}/here        /foo/bar,1024/here
        {+path:6}/here        /foo/b/here
        {+list}               red,green,blue
        {+list*}              red,green,blue
        {+keys}               semi,;,dot,.,comma,,
        {+keys*}              semi=;,dot=.,comma=,
        {#var}                #value
        {#hello}              #Hello%20World!
        {#half}               #50%25
        foo{#empty}           foo#
        foo{#undef}           foo
        {#x,hello,y}          #1024,Hello%20World!,768
        {#path,x}/here        #/foo/bar,1024/here
        {#path:6}/here        #/foo/b/here
        {#list}               #red,green,blue
        {#list*}              #red,green,blue
        {#keys}               #semi,;,dot,.,comma,,
        {#keys*}              #semi=;,dot=.,comma=,
        {.who}                .fred
        {.who,who}            .fred.fred
        {.half,who}           .50%25.fred
        www{.dom*}            www.example.com
        X{.var}               X.value
        X{.empty}             X.
        X{.undef}             X
        X{.var:3}             X.val
        X{.list}              X.red,green,blue
        X{.list*}             X.red.green.blue
        X{.keys}              X.semi,%3B,dot,.,comma,%2C
        X{.keys*}             X.semi=%3B.dot=..comma=%2C
        X{.empty_keys}        X
        X{.empty_keys*}       X
        {/who}                /fred
        {/who,who}            /fred/fred
        {/half,who}           /50%25/fred
        {/who,dub}            /fred/me%2Ftoo
        {/var}                /value
        {/var,empty}          /value/
        {/var,undef}          /value
        {/var,x}/here         /value/1024/here
        {/var:1,var}          /v/value
        {/list}               /red,green,blue
        {/list*}              /red/green/blue
        {/list*,path:4}       /red/green/blue/%2Ffoo
        {/keys}               /semi,%3B,dot,.,comma,%2C
        {/keys*}              /semi=%3B/dot=./comma=%2C
        {;who}                ;who=fred
        {;half}               ;half=50%25
        {;empty}              ;empty
        {;v,empty,who}        ;v=6;empty;who=fred
        {;v,bar,who}          ;v=6;who=fred
        {;x,y}                ;x=1024;y=768
        {;x,y,empty}          ;x=1024;y=768;empty
        {;x,y,undef}          ;x=1024;y=768
        {;hello:5}            ;hello=Hello
        {;list}               ;list=red,green,blue
        {;list*}              ;list=red;list=green;list=blue
        {;keys}               ;keys=semi,%3B,dot,.,comma,%2C
        {;keys*}              ;semi=%3B;dot=.;comma=%2C
        {?who}                ?who=fred
        {?half}               ?half=50%25
        {?x,y}                ?x=1024&y=768
        {?x,y,empty}          ?x=1024&y=768&empty=
        {?x,y,undef}          ?x=1024&y=768
        {?var:3}              ?var=val
        {?list}               ?list=red,green,blue
        {?list*}              ?list=red&list=green&list=blue
        {?keys}               ?keys=semi,%3B,dot,.,comma,%2C
        {?keys*}              ?semi=%3B&dot=.&comma=%2C
        {&who}                &who=fred
        {&half}               &half=50%25
        ?fixed=yes{&x}        ?fixed=yes&x=1024
        {&x,y,empty}          &x=1024&y=768&empty=
        {&var:3}              &var=val
        {&list}               &list=red,green,blue
        {&list*}              &list=red&list=green&list=blue
        {&keys}               &keys=semi,%3B,dot,.,comma,%2C
        {&keys*}              &semi=%3B&dot=.&comma=%2C
        """);
  }

  static Stream<Arguments> notMatching() {
    return pairs(
        """
        https://example.com/books/{id}            https://example.com/books/1/2
        https://example.com/books/{id}            https://example.com/movies/1
        https://example.com/books/{id}            https://example.com/books/a?b
        https://example.com/books/{id}            https://example.com/books/100%
        https://example.com/books/{id}            https://example.com/books/%zz
        https://example.com/books/{id}            https://example.com/books/{id}
        https://example.com/users/foo/{?topic}    https://example.com/users/foo/?other=1
        {var:3}                                   value
        {var:1}                                   %C3%A9e
        {?x,y}                                    ?y=2&x=1
        {?x,y}                                    ?x=1&&y=2
        {?x,y}                                    ?
        {?list*}                                  ?
        {;x}                                      ;x=
        {.x}                                      x
        {#frag}                                   frag
        {/list*}                                  red
        {+path}/here                              /foo/bar/there
        X{.x,y}                                   Y.1024.768
        https://example.com/{a}/{b}               https://example.com/1/2/3
        """);
  }

  @ParameterizedTest(name = "{0} matches {1}")
  @MethodSource({"matching", "rfc6570Examples"})
  void matchesExpansions(String template, String expansion) {
    assertThat(UriTemplate.parse(template).matches(expansion)).isTrue();
  }

  @ParameterizedTest(name = "{0} does not match {1}")
  @MethodSource("notMatching")
  void rejectsStringsNoExpansionProduces(String template, String candidate) {
    assertThat(UriTemplate.parse(template).matches(candidate)).isFalse();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "{",
        "https://example.com/{id",
        "https://example.com/id}",
        "{}",
        "{a b}",
        "{a{b}}",
        "{a,}",
        "{,a}",
        "{=a}",
        "{!a}",
        "{+}",
        "{.}",
        "{a..b}",
        "{a.}",
        "{.a.}",
        "{a-b}",
        "{a:0}",
        "{a:10000}",
        "{a:x}",
        "{a:3*}",
        "{a*:3}",
        "{a**}",
        "100%{a}",
        "%zz{a}",
        "my topic/{a}",
        "a\"b{c}",
        "a<b>{c}",
        "a|b{c}",
        "a\\b{c}",
        "a^b{c}"
      })
  void rejectsInvalidTemplatesNamingTheProblem(String template) {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> UriTemplate.parse(template))
        .withMessageStartingWith("uri template \"" + template + "\": ")
        .withMessageContaining("(expected: ");
  }

  @Test
  void explainsWhatIsWrongAndWhere() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> UriTemplate.parse("https://example.com/{id"))
        .withMessage(
            "uri template \"https://example.com/{id\": unclosed '{' at index 20"
                + " (expected: a '}' ending the expression)");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> UriTemplate.parse("{}"))
        .withMessage(
            "uri template \"{}\": empty expression at index 0"
                + " (expected: a variable name between '{' and '}')");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "https://example.com/",
        "{a.b}",
        "{%41b}",
        "{a_1,B2}",
        "{x:9999}",
        "https://exämple.com/{id}",
        "a~!$&()*+,;=:@/?[]{#x}"
      })
  void acceptsValidTemplates(String template) {
    assertThat(UriTemplate.parse(template).template()).isEqualTo(template);
  }

  @Test
  void limitsVariablesPerExpression() {
    String names = "v,".repeat(UriTemplate.MAX_VARIABLES_PER_EXPRESSION);
    assertThat(UriTemplate.parse("{" + names.substring(0, names.length() - 1) + "}")).isNotNull();
    assertThatIllegalArgumentException()
        .isThrownBy(() -> UriTemplate.parse("{" + names + "v}"))
        .withMessageContaining("33 variables in one expression");
  }

  @Test
  void quotesLiteralsInsteadOfReadingThemAsRegex() {
    UriTemplate template = UriTemplate.parse("https://example.com/a.b+c(d)*/{id}");
    assertThat(template.matches("https://example.com/a.b+c(d)*/1")).isTrue();
    assertThat(template.matches("https://example.com/aXbbc(d)*/1")).isFalse();
  }

  @Test
  void givesUpOnCatastrophicBacktrackingInsteadOfHanging() {
    UriTemplate adjacent = UriTemplate.parse("{a}{b}{c}{d}{e}{f}{g}{h}{i}{j}x");
    UriTemplate reserved = UriTemplate.parse("{+a}/{+b}/{+c}/{+d}/{+e}/{+f}!");
    assertTimeoutPreemptively(
        Duration.ofSeconds(10),
        () -> {
          assertThat(adjacent.matches("a".repeat(60) + "y")).isFalse();
          assertThat(reserved.matches("/".repeat(200))).isFalse();
        });
  }

  @Test
  void neverOverflowsTheStack() {
    UriTemplate longPrefix = UriTemplate.parse("{x:9999}");
    String deep = "{a}/".repeat(5_000);
    assertTimeoutPreemptively(
        Duration.ofSeconds(10),
        () -> {
          longPrefix.matches("%C3%A9".repeat(9_999));
          try {
            UriTemplate.parse(deep).matches("x/".repeat(5_000));
          } catch (IllegalArgumentException tooLargeToCompile) {
            assertThat(tooLargeToCompile).hasMessageContaining("too large to compile");
          }
        });
  }

  @Test
  void equalsByTemplateText() {
    assertThat(UriTemplate.parse("{a}")).isEqualTo(UriTemplate.parse("{a}"));
    assertThat(UriTemplate.parse("{a}")).hasSameHashCodeAs(UriTemplate.parse("{a}"));
    assertThat(UriTemplate.parse("{a}")).isNotEqualTo(UriTemplate.parse("{b}"));
  }
}
