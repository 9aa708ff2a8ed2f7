package io.vmo.daemon.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DatabaseTest {

    @Test
    void acceptsLibpqAndJdbcUrls() {
        assertThat(Database.toJdbcUrl("postgresql://vmo:s3cret@db.local:5433/vmo"))
                .isEqualTo("jdbc:postgresql://db.local:5433/vmo?user=vmo&password=s3cret");
        assertThat(Database.toJdbcUrl("postgres://localhost/vmo?sslmode=disable"))
                .isEqualTo("jdbc:postgresql://localhost/vmo?sslmode=disable");
        assertThat(Database.toJdbcUrl("jdbc:postgresql://h/db")).isEqualTo("jdbc:postgresql://h/db");
        assertThatThrownBy(() -> Database.toJdbcUrl("mysql://h/db"))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("postgresql://");
    }

    @Test
    void neverShowsAPassword() {
        assertThat(Database.redact("jdbc:postgresql://h/db?user=a&password=s3cret&x=1"))
                .doesNotContain("s3cret");
        assertThat(Database.redact("postgresql://vmo:s3cret@h/db")).doesNotContain("s3cret");
    }
}
