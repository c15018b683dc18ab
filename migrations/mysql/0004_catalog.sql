-- The catalog: suppliers and their contacts, products, and every price a product has had.
-- Prices are integer cents: exact, as no floating-point column can be.
CREATE TABLE suppliers (
    id         BIGINT       AUTO_INCREMENT PRIMARY KEY,
    name       VARCHAR(255) NOT NULL,
    email      VARCHAR(254),
    phone      VARCHAR(50),
    address    VARCHAR(500),
    created_at DATETIME     NOT NULL,
    updated_at DATETIME     NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX suppliers_name ON suppliers (name, id);

CREATE TABLE supplier_contacts (
    id          BIGINT       AUTO_INCREMENT PRIMARY KEY,
    supplier_id BIGINT       NOT NULL,
    name        VARCHAR(255) NOT NULL,
    email       VARCHAR(254),
    phone       VARCHAR(50),
    role        VARCHAR(100),
    FOREIGN KEY (supplier_id) REFERENCES suppliers (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX supplier_contacts_supplier ON supplier_contacts (supplier_id, id);

CREATE TABLE products (
    id          BIGINT        AUTO_INCREMENT PRIMARY KEY,
    name        VARCHAR(255)  NOT NULL,
    sku         VARCHAR(100)  NOT NULL UNIQUE,
    description VARCHAR(2000),
    price_cents BIGINT        NOT NULL CHECK (price_cents >= 0),
    currency    CHAR(3)       NOT NULL DEFAULT 'USD',
    supplier_id BIGINT,
    best_seller BOOLEAN       NOT NULL DEFAULT 0,
    is_active   BOOLEAN       NOT NULL DEFAULT 1,
    created_at  DATETIME      NOT NULL,
    updated_at  DATETIME      NOT NULL,
    FOREIGN KEY (supplier_id) REFERENCES suppliers (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
-- The list filters by these and sorts by id.
CREATE INDEX products_supplier ON products (supplier_id, id);
CREATE INDEX products_active_best_seller ON products (is_active, best_seller, id);
CREATE INDEX products_best_seller ON products (best_seller, id);

CREATE TABLE price_history (
    id          BIGINT    AUTO_INCREMENT PRIMARY KEY,
    product_id  BIGINT    NOT NULL,
    price_cents BIGINT    NOT NULL,
    currency    CHAR(3)   NOT NULL,
    recorded_at DATETIME  NOT NULL,
    FOREIGN KEY (product_id) REFERENCES products (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX price_history_product ON price_history (product_id, recorded_at, id);
