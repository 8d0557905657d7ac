package io.positionkeeper.runner;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The module graph, checked on the classes themselves: the ports use the JDK only; the domain the
 * ports, the JDK and the SLF4J API; adapters never the domain nor each other; migrations no other
 * module; and no main code uses the in-memory fakes. The enforcer rules of each pom stop a wrong
 * Maven dependency; this test also stops what no dependency shows: a JDK module the pure modules
 * must not use (JDBC, HTTP), and imports between adapters that a shared dependency would let
 * through.
 */
class ModuleBoundariesTest {
  private static final String PORTS = "io.positionkeeper.ports..";
  private static final String DOMAIN = "io.positionkeeper.domain..";
  private static final String BINANCE = "io.positionkeeper.binance..";
  private static final String BYBIT = "io.positionkeeper.bybit..";
  private static final String POSTGRES = "io.positionkeeper.postgres..";
  private static final String MIGRATIONS = "io.positionkeeper.migrations..";
  private static final String RUNNER = "io.positionkeeper.runner..";
  private static final String GENERATED_SCHEMA = "io.positionkeeper.postgres.schema..";

  private static JavaClasses classes;

  @BeforeAll
  static void importMainClasses() {
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            // Other modules' test jars (the emulator, test helpers) are on this module's test
            // class path for its integration tests; they are test code, not main code.
            .withImportOption(location -> !location.contains("-tests.jar"))
            .importPackages("io.positionkeeper");
  }

  @Test
  void ports_useTheJdkOnly_andNoIo() {
    noClasses()
        .that()
        .resideInAPackage(PORTS)
        .should()
        .dependOnClassesThat()
        .resideOutsideOfPackages(PORTS, "java..")
        .orShould()
        .dependOnClassesThat()
        .resideInAnyPackage("java.sql..", "javax.sql..", "java.net.http..")
        .check(classes);
  }

  @Test
  void domain_usesPortsAndSlf4jOnly_andNoJdbcNoHttp() {
    noClasses()
        .that()
        .resideInAPackage(DOMAIN)
        .should()
        .dependOnClassesThat()
        .resideOutsideOfPackages(DOMAIN, PORTS, "java..", "org.slf4j..")
        .orShould()
        .dependOnClassesThat()
        .resideInAnyPackage("java.sql..", "javax.sql..", "java.net.http..")
        .check(classes);
  }

  @Test
  void domainAndPorts_neverUseTheFakesInMainCode() {
    noClasses()
        .that()
        .resideInAnyPackage(DOMAIN, BINANCE, BYBIT, POSTGRES)
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.positionkeeper.ports.fake..")
        .check(classes);
  }

  @Test
  void adapters_neverUseTheDomainOrEachOther() {
    noClasses()
        .that()
        .resideInAPackage(BINANCE)
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(DOMAIN, BYBIT, POSTGRES, MIGRATIONS, RUNNER)
        .check(classes);
    noClasses()
        .that()
        .resideInAPackage(BYBIT)
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(DOMAIN, BINANCE, POSTGRES, MIGRATIONS, RUNNER)
        .check(classes);
    noClasses()
        .that()
        .resideInAPackage(POSTGRES)
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(DOMAIN, BINANCE, BYBIT, RUNNER)
        .check(classes);
  }

  /**
   * Every package is a room of its own: no two packages lean on each other, directly or around a
   * ring, so each one can be read, tested and changed from its dependencies up.
   */
  @Test
  void packages_areFreeOfCycles() {
    slices()
        .matching("io.positionkeeper.(**)")
        .should()
        .beFreeOfCycles()
        // jOOQ generates the schema classes with references both ways between its packages; the
        // rule is about code we write.
        .ignoreDependency(resideInAPackage(GENERATED_SCHEMA), DescribedPredicate.alwaysTrue())
        .check(classes);
  }

  @Test
  void migrations_knowNoOtherModule() {
    noClasses()
        .that()
        .resideInAPackage(MIGRATIONS)
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(PORTS, DOMAIN, BINANCE, BYBIT, POSTGRES, RUNNER)
        .check(classes);
  }
}
