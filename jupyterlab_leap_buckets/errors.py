"""The one error type the API returns, with the codes of ../shared/API.md."""


class ApiError(Exception):
    """An error a user can act on: an HTTP status, a kebab-case code and one sentence."""

    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message

    def to_json(self) -> dict:
        return {"error": {"code": self.code, "message": self.message}}


def bad_request(message: str) -> ApiError:
    return ApiError(400, "bad-request", message)


def not_found(message: str) -> ApiError:
    return ApiError(404, "not-found", message)
