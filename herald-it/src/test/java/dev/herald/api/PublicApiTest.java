package dev.herald.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.source.doctree.DocCommentTree;
import com.sun.source.doctree.DocTree;
import com.sun.source.doctree.ParamTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.ModifiersTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.DocTrees;
import com.sun.source.util.JavacTask;
import com.sun.source.util.SourcePositions;
import com.sun.source.util.TreePath;
import com.sun.source.util.Trees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import javax.lang.model.element.Modifier;
import javax.tools.JavaCompiler;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The published modules' public surface is the one we mean: every public top-level type is listed
 * in {@code public-api.txt} as {@code api} (what embedders use, docs/embedding.md "The supported
 * public API") or {@code internal} (public only because another package or Herald module uses it),
 * an {@code api} type and its public members have Javadoc, and every package says in its {@code
 * package-info.java} what it is for and whether it is API ("Not API" marks an internal one).
 *
 * <p>Reads the sources with javac's parser (no compilation: a second or two), so it needs no module
 * on the class path.
 */
class PublicApiTest {

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Path LIST = Path.of("src/test/resources/public-api.txt");

  /** The library modules, published for other projects to depend on. */
  private static final List<String> MODULES =
      List.of(
          "herald-client",
          "herald-core",
          "herald-server",
          "herald-store",
          "herald-redis",
          "herald-outbox",
          "herald-node",
          "herald-spring-boot-starter");

  private static final String NOT_API = "Not API";

  /** Fully qualified name of every public top-level type, to its parsed declaration. */
  private static final Map<String, Declared> PUBLIC_TYPES = new TreeMap<>();

  /** Package name to its package-info's comment, or null when it has none. */
  private static final Map<String, String> PACKAGES = new TreeMap<>();

  /** A type as parsed, with the parser's view of its comments. */
  private record Declared(
      JavacTask task, DocTrees docs, CompilationUnitTree unit, ClassTree type, String source) {}

  @BeforeAll
  static void parseTheSources() throws IOException {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    try (StandardJavaFileManager files = javac.getStandardFileManager(null, null, null)) {
      for (String module : MODULES) {
        List<Path> sources;
        try (Stream<Path> walk = Files.walk(ROOT.resolve(module).resolve("src/main/java"))) {
          sources = walk.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        }
        JavacTask task =
            (JavacTask)
                javac.getTask(
                    null,
                    files,
                    null,
                    List.of("-proc:none"),
                    null,
                    files.getJavaFileObjectsFromPaths(sources));
        DocTrees docs = DocTrees.instance(task);
        for (CompilationUnitTree unit : task.parse()) {
          String pkg = unit.getPackageName() == null ? "" : unit.getPackageName().toString();
          boolean packageInfo = unit.getSourceFile().getName().endsWith("package-info.java");
          if (packageInfo) {
            PACKAGES.put(pkg, docs.getDocComment(TreePath.getPath(unit, unit.getPackage())));
            continue;
          }
          PACKAGES.putIfAbsent(pkg, null);
          for (Tree declaration : unit.getTypeDecls()) {
            if (declaration instanceof ClassTree type
                && type.getModifiers().getFlags().contains(Modifier.PUBLIC)) {
              PUBLIC_TYPES.put(
                  pkg + "." + type.getSimpleName(),
                  new Declared(
                      task,
                      docs,
                      unit,
                      type,
                      unit.getSourceFile().getCharContent(true).toString()));
            }
          }
        }
      }
    }
  }

  /** The committed list: type name to "api" or "internal". */
  private static Map<String, String> committed() throws IOException {
    Map<String, String> kinds = new TreeMap<>();
    for (String line : Files.readAllLines(LIST)) {
      String entry = line.strip();
      if (entry.isEmpty() || entry.startsWith("#")) {
        continue;
      }
      String[] parts = entry.split("\\s+");
      assertThat(parts.length == 2 && (parts[1].equals("api") || parts[1].equals("internal")))
          .as("%s: '%s' (expected: <fully qualified type> api|internal)", LIST, entry)
          .isTrue();
      kinds.put(parts[0], parts[1]);
    }
    return kinds;
  }

  @Test
  void everyPublicTypeIsListedDeliberately() throws IOException {
    Set<String> listed = committed().keySet();
    Set<String> unlisted = new TreeSet<>(PUBLIC_TYPES.keySet());
    unlisted.removeAll(listed);
    Set<String> gone = new TreeSet<>(listed);
    gone.removeAll(PUBLIC_TYPES.keySet());
    assertThat(PUBLIC_TYPES).as("public types found").hasSizeGreaterThan(50);
    assertThat(unlisted)
        .as(
            "public types not in herald-it/%s: make each package-private if nothing outside its"
                + " package needs it; else add it there deliberately, as 'api' (embedders use it:"
                + " Javadoc on it and its public members, a row in docs/embedding.md) or"
                + " 'internal' (another Herald package needs it: say \"%s\" in its package-info"
                + " or its own Javadoc)",
            LIST, NOT_API)
        .isEmpty();
    assertThat(gone)
        .as("listed in herald-it/%s but no longer public (or gone): remove the lines", LIST)
        .isEmpty();
  }

  @Test
  void everyPackageSaysWhatItIsFor() {
    List<String> undocumented = new ArrayList<>();
    PACKAGES.forEach(
        (pkg, comment) -> {
          if (comment == null) {
            undocumented.add(pkg);
          }
        });
    assertThat(undocumented)
        .as(
            "packages without a package-info.java comment: say in a sentence or two what the"
                + " package is for and whether it is API for embedders or \"%s\"",
            NOT_API)
        .isEmpty();
  }

  /**
   * A package-info that says "Not API" marks its public types internal, except those it names (a
   * package mixing API with types other Herald modules need names its API types).
   */
  @Test
  void internalTypesSayNotApiAndApiTypesDoNot() throws IOException {
    List<String> wrong = new ArrayList<>();
    committed()
        .forEach(
            (name, kind) -> {
              Declared declared = PUBLIC_TYPES.get(name);
              if (declared == null) {
                return; // reported by everyPublicTypeIsListedDeliberately
              }
              String pkg = name.substring(0, name.lastIndexOf('.'));
              String packageInfo = PACKAGES.get(pkg);
              boolean internalPackage = says(packageInfo, NOT_API);
              boolean internalType = says(comment(declared, declared.type()), NOT_API);
              String simpleName = name.substring(pkg.length() + 1);
              if (kind.equals("api")
                  && (internalType || (internalPackage && !says(packageInfo, simpleName)))) {
                wrong.add(
                    name
                        + ": listed as api, but its Javadoc, or its package-info without naming it"
                        + " as API, says Not API");
              }
              if (kind.equals("internal") && !internalPackage && !internalType) {
                wrong.add(
                    name
                        + ": listed as internal: say \""
                        + NOT_API
                        + "\" in its Javadoc or its package-info");
              }
            });
    assertThat(wrong).isEmpty();
  }

  @Test
  void theApiHasJavadoc() throws IOException {
    List<String> missing = new ArrayList<>();
    int checked = 0;
    for (Map.Entry<String, String> entry : committed().entrySet()) {
      Declared declared = PUBLIC_TYPES.get(entry.getKey());
      if (entry.getValue().equals("api") && declared != null) {
        checked += requireDocs(declared, declared.type(), entry.getKey(), Set.of(), missing);
      }
    }
    assertThat(checked).as("API declarations checked").isGreaterThan(100);
    assertThat(missing)
        .as(
            "API without Javadoc: say what it is for and which thread may call it (a record's"
                + " components take an @param each)")
        .isEmpty();
  }

  /** Checks the type and its public members, nested public types included; returns the count. */
  private static int requireDocs(
      Declared declared,
      ClassTree type,
      String name,
      Set<String> outerParams,
      List<String> missing) {
    int checked = 1;
    String typeComment = comment(declared, type);
    if (typeComment == null) {
      missing.add(name);
    }
    boolean isInterface =
        type.getKind() == Tree.Kind.INTERFACE || type.getKind() == Tree.Kind.ANNOTATION_TYPE;
    Set<String> params =
        type.getKind() == Tree.Kind.RECORD ? paramNames(declared, type) : outerParams;
    if (type.getKind() == Tree.Kind.RECORD) {
      for (Tree member : type.getMembers()) {
        if (member instanceof VariableTree component
            && !component.getModifiers().getFlags().contains(Modifier.STATIC)
            && !params.contains(component.getName().toString())) {
          checked++;
          missing.add(name + " component " + component.getName() + " (an @param)");
        }
      }
    }
    for (Tree member : type.getMembers()) {
      ModifiersTree modifiers = modifiers(member);
      if (modifiers == null || !visible(modifiers, isInterface, member)) {
        continue;
      }
      if (member instanceof ClassTree nested) {
        Set<String> documented =
            nested.getSimpleName().contentEquals("Builder") ? params : Set.of();
        checked +=
            requireDocs(declared, nested, name + "." + nested.getSimpleName(), documented, missing);
        continue;
      }
      if (overrides(modifiers)
          || compactConstructor(declared, type, member)
          || documentedWither(params, member)) {
        continue; // documented where it is declared, or by the record's @params
      }
      checked++;
      if (comment(declared, member) == null) {
        missing.add(name + "." + label(member));
      }
    }
    return checked;
  }

  private static ModifiersTree modifiers(Tree member) {
    if (member instanceof MethodTree method) {
      return method.getModifiers();
    }
    if (member instanceof VariableTree field) {
      return field.getModifiers();
    }
    if (member instanceof ClassTree nested) {
      return nested.getModifiers();
    }
    return null; // an initializer block
  }

  /** Public, or implicitly public in an interface (not private, not a default's body). */
  private static boolean visible(ModifiersTree modifiers, boolean inInterface, Tree member) {
    Set<Modifier> flags = modifiers.getFlags();
    if (flags.contains(Modifier.PUBLIC)) {
      return true;
    }
    return inInterface && !flags.contains(Modifier.PRIVATE);
  }

  private static boolean overrides(ModifiersTree modifiers) {
    return modifiers.getAnnotations().stream()
        .anyMatch(a -> a.getAnnotationType().toString().endsWith("Override"));
  }

  /**
   * A record's compact canonical constructor (the parser gives it the components as parameters, so
   * it is told by the missing parameter list in the source), documented by the record's
   * {@code @param}s.
   */
  private static boolean compactConstructor(Declared declared, ClassTree type, Tree member) {
    if (type.getKind() != Tree.Kind.RECORD
        || !(member instanceof MethodTree method)
        || !method.getName().contentEquals("<init>")
        || method.getBody() == null) {
      return false;
    }
    SourcePositions positions = Trees.instance(declared.task()).getSourcePositions();
    long start = positions.getStartPosition(declared.unit(), method);
    long body = positions.getStartPosition(declared.unit(), method.getBody());
    return !declared.source().substring((int) start, (int) body).contains("(");
  }

  /**
   * {@code withFoo(value)} on a record, or {@code foo(value)} on its {@code Builder}, documented by
   * the record's {@code @param foo}.
   */
  private static boolean documentedWither(Set<String> params, Tree member) {
    if (!(member instanceof MethodTree method) || method.getParameters().size() != 1) {
      return false;
    }
    String name = method.getName().toString();
    if (params.contains(name)) {
      return true; // a builder's setter
    }
    if (!name.startsWith("with") || name.length() == 4) {
      return false;
    }
    String component = Character.toLowerCase(name.charAt(4)) + name.substring(5);
    return params.contains(component);
  }

  private static String label(Tree member) {
    if (member instanceof MethodTree method) {
      String name = method.getName().contentEquals("<init>") ? "<init>" : method.getName() + "";
      return name + "(" + method.getParameters().size() + " parameters)";
    }
    return ((VariableTree) member).getName().toString();
  }

  private static String comment(Declared declared, Tree tree) {
    return declared.docs().getDocComment(TreePath.getPath(declared.unit(), tree));
  }

  private static Set<String> paramNames(Declared declared, ClassTree type) {
    Set<String> names = new TreeSet<>();
    DocCommentTree comment =
        declared.docs().getDocCommentTree(TreePath.getPath(declared.unit(), type));
    if (comment != null) {
      for (DocTree tag : comment.getBlockTags()) {
        if (tag instanceof ParamTree param && !param.isTypeParameter()) {
          names.add(param.getName().toString());
        }
      }
    }
    return names;
  }

  private static boolean says(String comment, String words) {
    return comment != null && comment.replaceAll("\\s+", " ").contains(words);
  }
}
