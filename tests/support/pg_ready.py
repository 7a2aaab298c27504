"""Exit 0 when the PostgreSQL URL given as argv[1] accepts a connection, else 1."""

import sys

from sqlalchemy import create_engine, text
from sqlalchemy.exc import SQLAlchemyError


def reachable(url: str) -> bool:
    engine = create_engine(url, connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return True
    except SQLAlchemyError:
        return False
    finally:
        engine.dispose()


if __name__ == "__main__":
    sys.exit(0 if reachable(sys.argv[1]) else 1)
