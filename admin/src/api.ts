import { type Client, createClient } from 'graphql-ws';

/** A request-level error of the API, with its `extensions.code`. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

export interface UserError {
  field: string[] | null;
  message: string;
  code: string;
}

/** The app's only way to the server: POST /graphql, and subscriptions over graphql-ws. */
export interface Api {
  request<T>(query: string, variables?: Record<string, unknown>): Promise<T>;
  subscribe<T>(
    query: string,
    variables: Record<string, unknown>,
    onData: (data: T) => void,
  ): () => void;
  close(): void;
}

export function createApi(token: string, onUnauthenticated: () => void): Api {
  let ws: Client | undefined;
  const socket = () =>
    (ws ??= createClient({
      url: `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/graphql`,
      connectionParams: { authorization: `Bearer ${token}` },
      retryAttempts: Infinity,
      shouldRetry: () => true,
    }));
  return {
    async request<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
      const response = await fetch('/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await response.json().catch(() => ({}))) as {
        data?: T;
        errors?: Array<{ message: string; extensions?: { code?: string } }>;
      };
      const error = body.errors?.[0];
      if (error !== undefined) {
        if (error.extensions?.code === 'UNAUTHENTICATED') onUnauthenticated();
        throw new ApiError(error.message, error.extensions?.code);
      }
      if (!response.ok || body.data === undefined)
        throw new ApiError(`the server answered ${response.status}`, undefined);
      return body.data;
    },
    subscribe<T>(query: string, variables: Record<string, unknown>, onData: (data: T) => void) {
      return socket().subscribe<T>(
        { query, variables },
        {
          next: (result) => {
            if (result.data) onData(result.data);
          },
          error: () => {},
          complete: () => {},
        },
      );
    },
    close() {
      void ws?.dispose();
    },
  };
}
