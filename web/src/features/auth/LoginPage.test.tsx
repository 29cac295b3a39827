import { describe, expect, it } from 'vitest';
import { screen } from '@testing-library/react';
import { LoginPage } from './LoginPage';
import { renderWithProviders } from '../../test/render';

describe('LoginPage', () => {
  it('labels the fields exactly "Email" and "Password" (no asterisk in the name) and keeps them required', () => {
    renderWithProviders(<LoginPage />, { route: '/login' });
    const email = screen.getByLabelText('Email', { exact: true });
    const password = screen.getByLabelText('Password', { exact: true });
    expect(email).toBeRequired();
    expect(password).toBeRequired();
    expect(password).toHaveAttribute('type', 'password');
    expect(screen.getByRole('button', { name: 'Sign in' })).toBeInTheDocument();
  });
});
